"""Set and sorted set commands, kv-server against redis-server 7.0, command by command.

Each case is a list of commands run in a database of its own (both servers start with
--databases 1024), once in RESP2 and once in RESP3 (HELLO 3). Replies must be byte-identical
after an optional normalisation named by a trailing word: "sorted" sorts an unordered set reply,
"scan" sorts the members of an SSCAN/ZSCAN page, "shape" compares only the reply type and
length (random picks: SPOP, SRANDMEMBER, ZRANDMEMBER).

Also runnable by hand against two running servers (both with --databases 1024):
    /usr/bin/python3 test_sets_zsets.py KV_PORT REDIS_PORT
"""
import socket
import sys

import pytest


def encode(args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a.encode() if isinstance(a, str) else a
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out


class Conn:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.buf = b""

    def _line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _exact(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError
            self.buf += chunk
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def read(self):
        """One reply as (type, value): value is bytes, int, None or a list of replies."""
        line = self._line()
        t, rest = line[:1], line[1:]
        if t in (b"+", b"-", b":", b",", b"#", b"("):
            return (t, rest)
        if t == b"_":
            return (t, None)
        if t in (b"$", b"="):
            n = int(rest)
            if n < 0:
                return (t, None)
            data = self._exact(n + 2)[:-2]
            return (t, data)
        if t in (b"*", b"~", b">"):
            n = int(rest)
            if n < 0:
                return (t, None)
            return (t, [self.read() for _ in range(n)])
        if t == b"%":
            n = int(rest)
            return (t, [self.read() for _ in range(2 * n)])
        raise ValueError("bad reply %r" % line)

    def cmd(self, *args):
        self.sock.sendall(encode(args))
        return self.read()


def normalise(reply, mode):
    t, v = reply
    if mode == "sorted" and isinstance(v, list):
        return (t, sorted(v, key=repr))
    if mode == "scan" and isinstance(v, list) and len(v) == 2 and isinstance(v[1][1], list):
        return (t, [v[0], (v[1][0], sorted(v[1][1], key=repr))])
    if mode == "shape":
        return (t, len(v) if isinstance(v, list) else (v is None))
    return reply


# Each case is a list of commands; a trailing "sorted", "scan" or "shape" names the normalisation.
S = "sorted"
CASES = [
    # --- sets ---
    [["sadd", "s", "a", "b", "c", "a"], ["sadd", "s", "d"], ["scard", "s"], ["smembers", "s", S],
     ["sadd", "s"], ["scard", "nope"], ["smembers", "nope"], ["scard"]],
    [["sadd", "s", "a", "b"], ["srem", "s", "a", "x"], ["srem", "nope", "a"], ["srem", "s", "b"],
     ["get", "s"], ["get", "s"], ["srem", "s"]],
    [["set", "str", "x"], ["sadd", "str", "a"], ["srem", "str", "a"], ["sismember", "str", "a"],
     ["smismember", "str", "a"], ["smembers", "str"], ["scard", "str"], ["spop", "str"],
     ["spop", "str", "2"], ["srandmember", "str"], ["srandmember", "str", "2"],
     ["sinter", "str"], ["sunion", "str"], ["sdiff", "str"], ["sscan", "str", "0"],
     ["smove", "str", "d", "a"], ["sintercard", "1", "str"], ["sinterstore", "d", "str"],
     ["sunionstore", "d", "str"], ["sdiffstore", "d", "str"]],
    [["sadd", "s", "a", "b"], ["sismember", "s", "a"], ["sismember", "s", "z"],
     ["sismember", "nope", "a"], ["smismember", "s", "a", "z", "b"], ["smismember", "nope", "a"],
     ["smismember", "s"], ["sismember", "s"]],
    [["spop", "nope"], ["spop", "nope", "3"], ["sadd", "s", "a", "b", "c", "d"],
     ["spop", "s", "-1"], ["spop", "s", "x"], ["spop", "s", "1", "2"], ["spop", "s", "0"],
     ["spop", "s", "2", "shape"], ["scard", "s"], ["spop", "s", "shape"],
     ["spop", "s", "10", "shape"], ["get", "s"], ["spop", "s", "1"], ["spop", "s"]],
    [["sadd", "n", "1", "2", "3"], ["spop", "n", "5", S], ["get", "n"]],
    [["srandmember", "nope"], ["srandmember", "nope", "5"], ["srandmember", "nope", "-5"],
     ["sadd", "s", "a", "b", "c"], ["srandmember", "s", "0"], ["srandmember", "s", "10", S],
     ["srandmember", "s", "2", "shape"], ["srandmember", "s", "-20", "shape"],
     ["srandmember", "s", "shape"], ["srandmember", "s", "1", "2"], ["srandmember", "s", "x"],
     ["srandmember", "s", "-9223372036854775808"], ["srandmember", "s", "3", S]],
    [["sadd", "src", "a", "b"], ["smove", "src", "dst", "a"], ["smove", "src", "dst", "zz"],
     ["smembers", "dst", S], ["smove", "src", "src", "b"], ["smove", "src", "src", "q"],
     ["smove", "src", "dst", "b"], ["get", "src"], ["scard", "dst"], ["set", "str", "x"],
     ["smove", "nope", "str", "a"], ["smove", "dst", "str", "a"], ["smove", "str", "dst", "a"],
     ["smove", "dst", "nope2", "zz"], ["smove", "src", "dst"]],
    [["sadd", "a", "1", "2", "3", "4"], ["sadd", "b", "2", "3", "5"], ["sadd", "c", "3", "6"],
     ["sinter", "a", "b", S], ["sinter", "a", "b", "c", S], ["sinter", "a", "nope"],
     ["sinter", "nope", "a"], ["sunion", "a", "nope", "c", S], ["sdiff", "a", "b", "c", S],
     ["sdiff", "nope", "a"], ["sdiff", "a", "a"], ["sdiff", "a", S], ["sinter", "a", "a", S],
     ["set", "str", "x"], ["sinter", "nope", "str"], ["sinter", "str", "nope"],
     ["sinter", "a", "str"], ["sunion", "a", "str"], ["sdiff", "nope", "str"],
     ["sdiff", "a", "str"], ["sinter"]],
    [["sadd", "a", "1", "2", "3"], ["sadd", "b", "2", "3", "4"], ["set", "dst", "string"],
     ["sinterstore", "dst", "a", "b"], ["smembers", "dst", S], ["get", "dst"],
     ["sunionstore", "dst", "a", "b"], ["sdiffstore", "dst", "a", "b"], ["smembers", "dst", S],
     ["sdiffstore", "a", "a", "b"], ["smembers", "a", S], ["sinterstore", "dst", "a", "nope"],
     ["get", "dst"], ["sunionstore", "dst", "nope"], ["set", "str", "x"],
     ["sinterstore", "dst", "a", "str"], ["sinterstore", "dst", "nope", "str"],
     ["sunionstore", "dst", "a", "str"], ["sdiffstore", "dst", "nope", "str"],
     ["sinterstore", "dst"], ["sunionstore", "a", "a", "a"], ["smembers", "a"]],
    [["sadd", "a", "1", "2", "3", "4"], ["sadd", "b", "1", "2", "3", "5"],
     ["sintercard", "2", "a", "b"], ["sintercard", "2", "a", "b", "limit", "2"],
     ["sintercard", "2", "a", "b", "LIMIT", "0"], ["sintercard", "1", "a"],
     ["sintercard", "2", "a", "nope"], ["sintercard", "0", "a"], ["sintercard", "x", "a"],
     ["sintercard", "-1", "a"], ["sintercard", "3", "a", "b"],
     ["sintercard", "2", "a", "b", "limit", "-1"], ["sintercard", "2", "a", "b", "limit", "x"],
     ["sintercard", "2", "a", "b", "limit"], ["sintercard", "1", "a", "b"],
     ["sintercard", "2", "a", "b", "limit", "1", "limit", "3"], ["sintercard", "1"],
     ["set", "str", "x"], ["sintercard", "2", "nope", "str"], ["sintercard", "2", "str", "nope"]],
    [["sscan", "nope", "0"], ["sscan", "nope", "x"], ["sscan", "nope", "0", "count", "0"],
     ["sadd", "s", "1", "2", "3", "10"], ["sscan", "s", "x"], ["sscan", "s", "-1", "scan"],
     ["sscan", "s", " 0"], ["sscan", "s", "0", "count", "0"], ["sscan", "s", "0", "count"],
     ["sscan", "s", "0", "count", "x"], ["sscan", "s", "0", "foo", "bar"],
     ["sscan", "s", "0", "match", "1*", "count", "1", "scan"], ["sscan", "s", "0", "scan"],
     ["sscan", "s", "0", "match", "*", "scan"], ["sscan", "s", "18446744073709551616"],
     ["sscan", "s"]],
    # --- sorted sets ---
    [["zadd", "z", "1", "a", "2", "b"], ["zadd", "z", "1.5", "a", "3", "c"], ["zscore", "z", "a"],
     ["zscore", "z", "zz"], ["zscore", "nope", "a"], ["zcard", "z"], ["zcard", "nope"],
     ["zmscore", "z", "a", "zz", "c"], ["zmscore", "nope", "a"], ["zadd", "z", "0.1", "x"],
     ["zscore", "z", "x"], ["zadd", "z", "inf", "i", "-inf", "j"], ["zscore", "z", "i"],
     ["zscore", "z", "j"], ["zadd", "z", "1e300", "big", "-0", "nz", "3.0", "t"],
     ["zrange", "z", "0", "-1", "withscores"], ["zadd", "z", "0x10", "h"],
     ["zadd", "z", " 1", "sp"], ["zadd", "z", "1 ", "sp"], ["zadd", "z", "", "e"],
     ["zadd", "z", "1e400", "o"], ["zscore", "z"], ["zmscore", "z"]],
    [["zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d"], ["zadd", "z", "nx", "10", "a", "5", "e"],
     ["zscore", "z", "a"], ["zadd", "z", "xx", "10", "a", "6", "f"], ["zscore", "z", "a"],
     ["zscore", "z", "f"], ["zadd", "z", "ch", "11", "a", "2", "b", "7", "g"],
     ["zadd", "z", "gt", "ch", "5", "a", "12", "b"], ["zadd", "z", "lt", "ch", "5", "a", "20", "b"],
     ["zadd", "z", "incr", "2.5", "a"], ["zadd", "z", "nx", "incr", "1", "a"],
     ["zadd", "z", "gt", "incr", "-1", "a"], ["zadd", "z", "lt", "incr", "-1", "a"],
     ["zadd", "z", "xx", "gt", "100", "a", "1", "new"], ["zadd", "z", "XX", "LT", "CH", "0", "a"],
     ["zadd", "nope", "xx", "1", "a"], ["zadd", "nope", "xx", "incr", "1", "a"],
     ["get", "nope"], ["zadd", "z", "gt", "1", "brandnew"], ["zadd", "z", "ch", "incr", "1", "x"],
     ["zrange", "z", "0", "-1", "withscores"]],
    [["zadd", "z", "nx", "xx", "1", "a"], ["zadd", "z", "nx", "gt", "1", "a"],
     ["zadd", "z", "gt", "lt", "1", "a"], ["zadd", "z", "nx", "lt", "1", "a"],
     ["zadd", "z", "incr", "1", "a", "2", "b"], ["zadd", "z", "1", "a", "2"],
     ["zadd", "z", "nx", "xx"], ["zadd", "z", "nx", "ch", "a"], ["zadd", "z", "1", "a", "x", "b"],
     ["zadd", "z", "nan", "a"], ["zadd", "z", "nx", "xx", "1"], ["zadd", "z", "incr", "x", "a"],
     ["get", "z"], ["zadd", "z", "inf", "a"], ["zincrby", "z", "-inf", "a"],
     ["zadd", "z", "incr", "-inf", "a"], ["zscore", "z", "a"], ["set", "str", "x"],
     ["zadd", "str", "1", "a"], ["zadd", "str", "x", "a"], ["zadd", "z"]],
    [["zincrby", "z", "2", "a"], ["zincrby", "z", "0.5", "a"], ["zincrby", "z", "x", "a"],
     ["zincrby", "z", "nx", "a"], ["zincrby", "z", "1"], ["zrem", "z", "a", "b"],
     ["zrem", "nope", "a"], ["get", "z"], ["zrem", "z"], ["set", "str", "x"],
     ["zincrby", "str", "1", "a"], ["zrem", "str", "a"], ["zincrby", "z", "1e308", "m"],
     ["zincrby", "z", "1e308", "m"]],
    [["zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d"], ["zrank", "z", "a"],
     ["zrank", "z", "d"], ["zrevrank", "z", "d"], ["zrank", "z", "zz"], ["zrank", "nope", "a"],
     ["zrevrank", "nope", "a"], ["zcount", "z", "2", "3"], ["zcount", "z", "(2", "+inf"],
     ["zcount", "z", "x", "3"], ["zcount", "nope", "x", "3"], ["zcount", "nope", "1", "3"],
     ["zcount", "z", "(1", "(1"], ["zcount", "z", "3", "1"], ["zcount", "z", "-inf", "inf"],
     ["zcount", "z", "((1", "2"], ["zcount", "z", "nan", "2"], ["zrank", "z", "a", "withscore"],
     ["zadd", "l", "0", "a", "0", "b", "0", "c"], ["zlexcount", "l", "-", "+"],
     ["zlexcount", "l", "(a", "[c"], ["zlexcount", "l", "a", "[c"], ["zlexcount", "l", "+", "-"],
     ["zlexcount", "nope", "a", "b"], ["zlexcount", "nope", "-", "+"], ["set", "str", "x"],
     ["zrank", "str", "a"], ["zcount", "str", "1", "2"], ["zcount", "str", "x", "2"],
     ["zlexcount", "str", "-", "+"]],
    [["zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d"], ["zrange", "z", "0", "-1"],
     ["zrange", "z", "1", "2", "withscores"], ["zrange", "z", "0", "1", "rev"],
     ["zrange", "z", "0", "1", "rev", "withscores"], ["zrevrange", "z", "0", "1"],
     ["zrevrange", "z", "0", "1", "withscores"], ["zrange", "z", "5", "10"],
     ["zrange", "z", "-100", "100"], ["zrange", "z", "-1", "-2"], ["zrange", "nope", "0", "-1"],
     ["zrange", "z", "x", "1"], ["zrange", "z", "0", "1", "limit", "0", "1"],
     ["zrange", "z", "0", "1", "bogus"], ["zrevrange", "z", "0", "1", "rev"],
     ["zrange", "z", "0", "1", "limit", "0"], ["zrange", "nope", "x", "1"],
     ["zrange", "z", "0", "0", "WITHSCORES", "withscores"], ["zrange", "z", "0"],
     ["zrevrange", "z", "0", "1", "byscore"]],
    [["zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d"], ["zrange", "z", "2", "(4", "byscore"],
     ["zrange", "z", "(4", "2", "byscore", "rev"], ["zrange", "z", "2", "4", "byscore", "rev"],
     ["zrangebyscore", "z", "-inf", "+inf", "limit", "1", "2"],
     ["zrangebyscore", "z", "-inf", "+inf", "limit", "-1", "2"],
     ["zrangebyscore", "z", "-inf", "+inf", "limit", "3", "-1"],
     ["zrangebyscore", "z", "-inf", "+inf", "limit", "10", "1"],
     ["zrangebyscore", "z", "-inf", "+inf", "limit", "0", "0"],
     ["zrevrangebyscore", "z", "+inf", "-inf", "withscores", "limit", "0", "1"],
     ["zrevrangebyscore", "z", "+inf", "-inf", "limit", "1", "2", "withscores"],
     ["zrangebyscore", "z", "x", "1"], ["zrangebyscore", "z", "1", "2", "byscore"],
     ["zrangebyscore", "z", "1", "2", "rev"], ["zrangebyscore", "z", "1", "2", "limit", "1"],
     ["zrangebyscore", "z", "1", "2", "limit", "x", "1"], ["zrangebyscore", "nope", "1", "2"],
     ["zrangebyscore", "nope", "x", "2"], ["zrange", "z", "1", "3", "byscore", "withscores"],
     ["zrange", "z", "1", "3", "byscore", "bylex"], ["zrange", "z", "1", "3", "byscore", "byscore"],
     ["zrange", "z", "(1", "(3", "byscore", "limit", "0", "5", "withscores"]],
    [["zadd", "l", "0", "a", "0", "b", "0", "c", "0", "d"], ["zrange", "l", "[b", "+", "bylex"],
     ["zrange", "l", "+", "(b", "bylex", "rev", "limit", "1", "1"], ["zrangebylex", "l", "-", "(c"],
     ["zrevrangebylex", "l", "[c", "-"], ["zrange", "l", "-", "+", "bylex", "withscores"],
     ["zrangebylex", "l", "-", "+", "withscores"], ["zrangebylex", "l", "a", "+"],
     ["zrangebylex", "l", "-", "+", "limit", "1", "2"], ["zrangebylex", "nope", "-", "+"],
     ["zrangebylex", "l", "[a", "[a"], ["zrangebylex", "l", "(a", "(a"],
     ["zrevrangebylex", "l", "-", "+"], ["zrangebylex", "nope", "a", "+"]],
    [["zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d"], ["zrangestore", "dst", "z", "1", "2"],
     ["zrange", "dst", "0", "-1", "withscores"],
     ["zrangestore", "dst", "z", "(1", "3", "byscore", "limit", "0", "1"],
     ["zrange", "dst", "0", "-1"], ["zrangestore", "dst", "z", "0", "1", "withscores"],
     ["zrangestore", "dst", "nope", "0", "1"], ["get", "dst"],
     ["zrangestore", "z", "z", "0", "0"], ["zrange", "z", "0", "-1"], ["set", "str", "x"],
     ["zrangestore", "str", "z", "0", "-1"], ["get", "str"], ["zrangestore", "d", "str", "0", "1"],
     ["zrangestore", "d", "z", "-", "+", "bylex"], ["zrangestore", "d", "z", "0"]],
    [["zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d"], ["zremrangebyrank", "z", "0", "0"],
     ["zremrangebyscore", "z", "(2", "3"], ["zrange", "z", "0", "-1"],
     ["zremrangebyrank", "z", "5", "10"], ["zremrangebyscore", "z", "x", "1"],
     ["zremrangebyrank", "z", "x", "1"], ["zremrangebylex", "z", "a", "+"],
     ["zremrangebylex", "z", "-", "+"], ["get", "z"], ["zremrangebylex", "nope", "-", "+"],
     ["zremrangebyrank", "nope", "0", "1"], ["zremrangebyscore", "nope", "x", "1"],
     ["set", "str", "x"], ["zremrangebylex", "str", "-", "+"],
     ["zremrangebyrank", "str", "0", "1"], ["zremrangebyrank", "z", "0"],
     ["zadd", "y", "1", "a", "2", "b", "3", "c"], ["zremrangebyrank", "y", "-2", "-1"],
     ["zrange", "y", "0", "-1"]],
    [["zpopmin", "nope"], ["zpopmin", "nope", "2"], ["zpopmax", "nope", "0"],
     ["zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"], ["zpopmin", "z"],
     ["zpopmax", "z", "2"], ["zpopmin", "z", "0"], ["zpopmin", "z", "-1"], ["zpopmin", "z", "x"],
     ["zpopmin", "z", "1", "2"], ["zpopmax", "z"], ["zpopmin", "z", "5"], ["get", "z"],
     ["set", "str", "x"], ["zpopmin", "str"], ["zpopmax", "str", "-1"], ["zpopmin", "nope", "-1"]],
    [["zadd", "a", "1", "x", "2", "y"], ["zadd", "b", "10", "y", "20", "z"],
     ["sadd", "s", "y", "w"], ["zunionstore", "d", "2", "a", "b"],
     ["zrange", "d", "0", "-1", "withscores"],
     ["zinterstore", "d", "2", "a", "b", "weights", "2", "3"], ["zscore", "d", "y"],
     ["zinterstore", "d", "3", "a", "b", "s", "aggregate", "max"], ["zscore", "d", "y"],
     ["zunionstore", "d", "2", "a", "s", "aggregate", "min"],
     ["zrange", "d", "0", "-1", "withscores"], ["zinterstore", "d", "2", "a", "nope"],
     ["get", "d"], ["zunion", "2", "a", "b", "withscores"], ["zinter", "2", "a", "b"],
     ["zdiff", "2", "a", "b", "withscores"], ["zdiffstore", "d", "2", "b", "a"],
     ["zintercard", "2", "a", "b"], ["zadd", "i", "inf", "x"], ["zadd", "j", "-inf", "x"],
     ["zunion", "2", "i", "j", "withscores"], ["zunion", "1", "i", "weights", "0", "withscores"],
     ["zinter", "2", "i", "j", "withscores"], ["zinter", "2", "i", "a", "weights", "0", "1",
                                                "withscores"],
     ["zunionstore", "a", "2", "a", "a"], ["zrange", "a", "0", "-1", "withscores"],
     ["zunion", "3", "a", "b", "s", "weights", "1", "-1", "2.5", "aggregate", "sum",
      "withscores"],
     ["zinter", "2", "s", "s", "withscores"], ["zdiff", "2", "s", "a", "withscores"],
     ["zunion", "1", "nope"], ["zunionstore", "d", "1", "nope"]],
    [["zadd", "a", "1", "x"], ["zunionstore", "d", "0", "a"], ["zunionstore", "d", "x", "a"],
     ["zunionstore", "d", "-1", "a"], ["zunionstore", "d", "3", "a"],
     ["zunionstore", "d", "1", "a", "weights"], ["zunionstore", "d", "1", "a", "weights", "x"],
     ["zunionstore", "d", "1", "a", "aggregate", "avg"], ["zunionstore", "d", "1", "a", "aggregate"],
     ["zunionstore", "d", "1", "a", "withscores"], ["zdiff", "1", "a", "weights", "1"],
     ["zdiff", "1", "a", "aggregate", "sum"], ["zinter", "0", "a"], ["zinter", "2", "a"],
     ["zintercard", "1", "a", "limit", "-1"], ["zintercard", "0", "a"], ["zintercard", "x", "a"],
     ["zintercard", "2", "a"], ["zintercard", "1", "a", "withscores"],
     ["zintercard", "1", "a", "limit", "0"], ["zintercard", "1", "a", "limit", "x"],
     ["set", "str", "x"], ["zunionstore", "d", "2", "a", "str"],
     ["zunionstore", "d", "2", "str", "a", "weights", "x", "y"], ["zinter", "2", "nope", "str"],
     ["zdiffstore", "d", "0", "a"], ["zunionstore", "d"], ["zunion", "1"]],
    [["zadd", "mp", "1", "a", "2", "b", "3", "c"], ["zmpop", "2", "nope", "mp", "MIN"],
     ["zmpop", "1", "mp", "max", "count", "5"], ["zmpop", "1", "mp", "min"],
     ["zmpop", "0", "mp", "min"], ["zmpop", "x", "mp", "min"], ["zmpop", "1", "mp"],
     ["zmpop", "1", "mp", "min", "count", "0"], ["zmpop", "1", "mp", "min", "count", "-1"],
     ["zmpop", "1", "mp", "min", "count", "1", "count", "2"], ["zmpop", "2", "mp", "min"],
     ["zmpop", "1", "mp", "avg"], ["set", "str", "x"], ["zadd", "mp", "1", "a"],
     ["zmpop", "2", "str", "mp", "min"], ["zmpop", "2", "mp", "str", "min"],
     ["zmpop", "9", "mp", "min"]],
    [["zrandmember", "nope"], ["zrandmember", "nope", "3"], ["zrandmember", "nope", "x"],
     ["zadd", "r", "1", "only"], ["zrandmember", "r"], ["zrandmember", "r", "3"],
     ["zrandmember", "r", "3", "withscores"], ["zrandmember", "r", "-2", "withscores"],
     ["zrandmember", "r", "0"], ["zrandmember", "r", "abc"], ["zrandmember", "r", "1", "bogus"],
     ["zrandmember", "r", "1", "withscores", "x"],
     ["zrandmember", "r", "-9223372036854775807", "withscores"],
     ["zrandmember", "r", "-9223372036854775808"], ["zadd", "r", "2", "two", "3", "three"],
     ["zrandmember", "r", "10", S], ["zrandmember", "r", "2", "shape"],
     ["zrandmember", "r", "-5", "withscores", "shape"], ["zrandmember", "r", "shape"],
     ["set", "str", "x"], ["zrandmember", "str"], ["zrandmember", "str", "1"]],
    [["sadd", "big"] + [str(i) for i in range(600)], ["scard", "big"],
     ["sadd", "big", "x", "x", "y"], ["sinterstore", "big", "big", "big"], ["scard", "big"],
     ["sismember", "big", "599"], ["srem", "big"] + [str(i) for i in range(0, 600, 2)],
     ["scard", "big"], ["sdiff", "big", "big"], ["sunion", "big", "nope", S],
     ["set", "str", "v"], ["sadd", "d", "m"], ["smove", "d", "str", "zz"]],
    [["zadd", "z", "+inf", "a", "-inf", "b", "1e-310", "c", "(1", "d"], ["zadd", "z", "1e-310", "c"],
     ["zrange", "z", "0", "-1", "withscores"], ["zrangebyscore", "z", "(-inf", "(inf"],
     ["zrangebyscore", "z", "-inf", "(1e-300", "withscores"], ["zcount", "z", "(inf", "+inf"],
     ["zadd", "l", "0", "", "0", "a", "0", "b"], ["zlexcount", "l", "[", "+"],
     ["zlexcount", "l", "(", "+"], ["zrevrangebylex", "l", "+", "-", "limit", "1", "1"],
     ["zrangebylex", "l", "[", "[", "limit", "0", "-1"],
     ["zunionstore", "u", "1", "z", "weights", "1", "2"],
     ["zinterstore", "u", "2", "z", "z", "weights", "inf", "-inf"],
     ["zrange", "u", "0", "-1", "withscores"],
     ["zunionstore", "u", "2", "z", "l", "aggregate", "max", "aggregate", "min"],
     ["zrange", "u", "0", "-1", "withscores"], ["zadd", "z", "GT", "CH", "5", "b", "5", "new"],
     ["zadd", "z", "incr", "ch", "1", "new"], ["zscore", "z", "new"],
     ["zincrby", "z", "-inf", "a"], ["zrank", "z", "new"], ["zrevrank", "z", "b"]],
    [["zscan", "nope", "0"], ["zscan", "nope", "x"], ["zadd", "z", "1", "a", "2.5", "b", "3", "c"],
     ["zscan", "z", "0", "match", "[ab]"], ["zscan", "z", "abc"], ["zscan", "z", "0", "count", "0"],
     ["zscan", "z", "0", "count", "100"], ["zscan", "z", "0", "match"], ["set", "str", "x"],
     ["zscan", "str", "0"], ["zscan", "z"]],
]



def run_case(kv_port, redis_port, proto, index):
    """Runs CASES[index] on both servers; returns the differences as text lines."""
    diffs = []
    conns = [Conn(kv_port), Conn(redis_port)]
    try:
        for c in conns:
            c.cmd("HELLO", str(proto))
            c.cmd("SELECT", str((proto - 2) * len(CASES) + index + 1))
        for cmd in CASES[index]:
            mode = None
            if cmd[-1] in ("sorted", "shape", "scan"):
                cmd, mode = cmd[:-1], cmd[-1]
            got, want = (normalise(c.cmd(*cmd), mode) for c in conns)
            if got != want:
                diffs.append("RESP%d %s\n  kv:    %r\n  redis: %r" % (proto, cmd, got, want))
    finally:
        for c in conns:
            c.sock.close()
    return diffs


@pytest.fixture(scope="module", params=["redis", "kv"])
def servers(request):
    """(candidate port, redis port): the candidate is kv-server or, proving the cases
    deterministic, a second redis-server."""
    from harness import Node
    started = []
    try:
        for kind in (request.param, "redis"):
            started.append(Node(kind, config={"databases": 1024}).start())
        yield started[0].port, started[1].port
    finally:
        for s in started:
            s.cleanup()


@pytest.mark.parametrize("proto", [2, 3])
@pytest.mark.parametrize("index", range(len(CASES)))
def test_case(servers, proto, index):
    diffs = run_case(servers[0], servers[1], proto, index)
    assert not diffs, "\n".join(diffs)


def main():
    kv_port, redis_port = int(sys.argv[1]), int(sys.argv[2])
    failed = 0
    for proto in (2, 3):
        for i in range(len(CASES)):
            diffs = run_case(kv_port, redis_port, proto, i)
            for d in diffs:
                print("case %d %s" % (i, d))
            failed += bool(diffs)
    print("%d passed, %d failed" % (2 * len(CASES) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
