"""Every write command is logged to the AOF: a random stream of valid write commands (every write
command of kv-server's COMMAND table, arguments from write_stream.py) goes to kv-server
(appendonly yes) and to redis-server. The test fails when

- a write command of the table has no generator, or succeeded fewer than MIN_OK times (it would
  otherwise be "covered" without ever running);
- kv-server's whole keyspace (every key of every database: type, value, expiry deadline) differs
  after a restart that replays the AOF (a write that was not logged, or logged wrongly);
- kv-server's keyspace differs from redis-server's fed the same stream (expiry compared as present
  or not: the two servers' clocks read deadlines at different moments).
"""

import pytest

from harness import Node
from resp import Error
from write_stream import WEIGHT, generators, make_stream

STREAM_LENGTH = 6000
SEED = 20261204
MIN_OK = 5
MIN_OK_RARE = 1
# Not sent: they stop the node or need data from the same server (DUMP payloads).
EXCLUDED = {"shutdown", "debug", "restore", "migrate", "restore-asking"}


def write_commands(node):
    with node.raw() as c:
        table = c.cmd("COMMAND")
    return {row[0].decode().lower() for row in table
            if b"write" in row[2] and row[0].decode().lower() not in EXCLUDED}


def run_stream(node, stream):
    """Sends the stream, each command in its database; returns {command: successes}."""
    ok = {}
    conns = {}
    try:
        for db, argv in stream:
            if db not in conns:
                conns[db] = node.raw(timeout=30)
                assert conns[db].cmd("SELECT", db) == b"OK"
            reply = conns[db].cmd(*argv)
            if not isinstance(reply, Error):
                ok[argv[0].lower()] = ok.get(argv[0].lower(), 0) + 1
    finally:
        for c in conns.values():
            c.close()
    return ok


def dump_value(c, key, kind):
    if kind == "string":
        return c.cmd("GET", key)
    if kind == "list":
        return c.cmd("LRANGE", key, 0, -1)
    if kind == "hash":
        return sorted(zip(*[iter(c.cmd("HGETALL", key))] * 2))
    if kind == "set":
        return sorted(c.cmd("SMEMBERS", key))
    if kind == "zset":
        return c.cmd("ZRANGE", key, 0, -1, "WITHSCORES")
    return f"<{kind}>"


def snapshot(node, exact_deadlines):
    """{(db, key): (type, value, deadline)} of every key of every database. The deadline is
    PEXPIRETIME (ms) when `exact_deadlines`, else whether the key has one."""
    out = {}
    with node.raw(timeout=30) as c:
        dbs = int(c.cmd("CONFIG", "GET", "databases")[1])
        for db in range(dbs):
            assert c.cmd("SELECT", db) == b"OK"
            cursor = b"0"
            keys = set()
            while True:
                cursor, batch = c.cmd("SCAN", cursor, "COUNT", 1000)
                keys.update(batch)
                if cursor == b"0":
                    break
            for key in keys:
                kind = c.cmd("TYPE", key).decode()
                deadline = c.cmd("PEXPIRETIME", key)
                out[(db, key)] = (kind, dump_value(c, key, kind),
                                  deadline if exact_deadlines else deadline > 0)
    return out


@pytest.fixture(scope="module")
def stream_result(nodes_module):
    kv = nodes_module(Node("kv", config={"appendonly": "yes", "appendfsync": "everysec"}))
    ref = nodes_module(Node("redis"))
    commands = write_commands(kv)
    missing = sorted(commands - set(generators(0)))
    assert not missing, f"write commands without an argument generator: {missing}"
    stream = make_stream(commands, SEED, STREAM_LENGTH)
    return dict(kv=kv, ref=ref, commands=commands, kv_ok=run_stream(kv, stream),
                ref_ok=run_stream(ref, stream))


@pytest.fixture(scope="module")
def nodes_module():
    started = []

    def start(node):
        started.append(node)
        return node.start()

    yield start
    for node in started:
        node.cleanup()


def test_every_write_command_succeeded(stream_result):
    ok = stream_result["kv_ok"]
    print("successful calls per write command:", dict(sorted(ok.items())))
    few = {name: ok.get(name, 0) for name in stream_result["commands"]
           if ok.get(name, 0) < (MIN_OK_RARE if name in WEIGHT else MIN_OK)}
    assert not few, f"write commands that (almost) never succeeded: {few}"


def test_replay_restores_every_key(stream_result):
    kv = stream_result["kv"]
    before = snapshot(kv, exact_deadlines=True)
    assert len(before) > 20, before
    kv.restart()
    after = snapshot(kv, exact_deadlines=True)
    lost = {k: v for k, v in before.items() if after.get(k) != v}
    extra = {k: v for k, v in after.items() if k not in before}
    assert not lost and not extra, (
        f"after replay: {len(lost)} keys differ or are gone, e.g. "
        f"{[(k, v, after.get(k)) for k, v in list(lost.items())[:5]]}; "
        f"{len(extra)} keys appeared, e.g. {list(extra.items())[:5]}")


def test_same_keyspace_as_redis(stream_result):
    kv, ref = snapshot(stream_result["kv"], False), snapshot(stream_result["ref"], False)
    diff = {k: (kv.get(k), ref.get(k)) for k in set(kv) | set(ref) if kv.get(k) != ref.get(k)}
    assert not diff, f"{len(diff)} keys differ from redis-server (kv, redis), e.g. " + repr(
        list(diff.items())[:8])
    assert stream_result["kv_ok"] == stream_result["ref_ok"]

