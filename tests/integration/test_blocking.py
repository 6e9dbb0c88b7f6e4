"""Blocking pops against a running server: BLPOP/BRPOP/BLMOVE woken by pushes from other
clients, timeouts, FIFO order among waiters, and waiters that disconnect; BZPOPMIN/BZPOPMAX/
BZMPOP/BLMPOP and CLIENT UNBLOCK run as the same scenario on both servers, whose transcripts
(RESP2 and RESP3) must be byte-identical; INFO's blocked_clients and pubsub counts.

Every scenario runs against kv-server (two I/O threads, so waiter and pusher often live on
different threads) and, as the reference, Debian's redis-server; servers come from conftest.py.
    /usr/bin/python3 -m pytest tests/integration/test_blocking.py [--kv-server PATH]
"""

import threading
import time

import pytest

from harness import HOST, blocked_clients, wait_blocked
from resp import RawClient


def Client(port):
    return RawClient(HOST, port, timeout=10)


def still_blocked(client, port, count):
    """`client` has no reply and the server counts `count` blocked clients (it among them)."""
    return blocked_clients(port) == count and not client.has_data()


@pytest.fixture(params=["redis", "kv"])
def server_port(request, server_factory):
    extra = ["--io-threads", "2"] if request.param == "kv" else []
    return server_factory(request.param, extra).port


def bulk_array(*items):
    out = b"*%d\r\n" % len(items)
    for i in items:
        i = i.encode()
        out += b"$%d\r\n%s\r\n" % (len(i), i)
    return out


def block(port, *cmd):
    """A new client that sent `cmd` and is now blocked (INFO's blocked_clients went up)."""
    before = blocked_clients(port)
    c = Client(port)
    c.send_command(*cmd)
    wait_blocked(port, before + 1)
    assert not c.has_data(), "the blocking command answered at once"
    return c


def test_push_wakes_blpop(server_port):
    waiter = block(server_port, "BLPOP", "q1", "q2", "0")
    pusher = Client(server_port)
    assert pusher.call("RPUSH", "q2", "a", "b") == b":2\r\n"
    assert waiter.read_bytes() == bulk_array("q2", "a")
    # Served atomically with the push: only "b" is left.
    assert pusher.call("LRANGE", "q2", "0", "-1") == bulk_array("b")
    assert waiter.call("PING") == b"+PONG\r\n"


def test_pipelined_input_waits_while_blocked(server_port):
    waiter = Client(server_port)
    waiter.send(b"*3\r\n$5\r\nBRPOP\r\n$1\r\nk\r\n$1\r\n0\r\n*1\r\n$4\r\nPING\r\n")
    wait_blocked(server_port, 1)
    assert not waiter.has_data()
    Client(server_port).call("LPUSH", "k", "v")
    assert waiter.read_bytes() == bulk_array("k", "v")
    assert waiter.read_bytes() == b"+PONG\r\n"


def test_timeout_returns_null(server_port):
    c = Client(server_port)
    start = time.monotonic()
    assert c.call("BLPOP", "nokey", "0.2") == b"*-1\r\n"
    assert time.monotonic() - start >= 0.15
    assert c.call("BLMOVE", "nokey", "dst", "LEFT", "LEFT", "0.1") == b"*-1\r\n"
    c.call("HELLO", "3")
    assert c.call("BRPOP", "nokey", "0.1") == b"_\r\n"
    # A tiny timeout rounds up to 1 ms; it does not mean "forever".
    assert c.call("BLPOP", "nokey", "0.0001") == b"_\r\n"
    # A timed-out waiter does not take a later push.
    assert c.call("RPUSH", "nokey", "x") == b":1\r\n"
    assert c.call("LLEN", "nokey") == b":1\r\n"


def test_fifo_among_three_waiters(server_port):
    waiters = [block(server_port, "BLPOP", "fifo", "0") for _ in range(3)]
    pusher = Client(server_port)
    assert pusher.call("RPUSH", "fifo", "1", "2") == b":2\r\n"
    assert waiters[0].read_bytes() == bulk_array("fifo", "1")
    assert waiters[1].read_bytes() == bulk_array("fifo", "2")
    assert still_blocked(waiters[2], server_port, 1)
    assert pusher.call("RPUSH", "fifo", "3") == b":1\r\n"
    assert waiters[2].read_bytes() == bulk_array("fifo", "3")
    assert pusher.call("LLEN", "fifo") == b":0\r\n"


def test_killed_waiter_does_not_swallow_push(server_port):
    gone = block(server_port, "BLPOP", "kk", "0")
    gone.close()
    wait_blocked(server_port, 0)  # the server noticed the disconnect
    pusher = Client(server_port)
    assert pusher.call("LPUSH", "kk", "v1") == b":1\r\n"
    assert pusher.call("LLEN", "kk") == b":1\r\n"
    # And with a live waiter queued behind a dead one, the live one gets the element.
    pusher.call("LPOP", "kk")
    gone = block(server_port, "BLPOP", "kk", "0")
    alive = block(server_port, "BLPOP", "kk", "0")
    gone.close()
    wait_blocked(server_port, 1)
    assert pusher.call("LPUSH", "kk", "v2") == b":1\r\n"
    assert alive.read_bytes() == bulk_array("kk", "v2")
    assert pusher.call("LLEN", "kk") == b":0\r\n"


def test_blmove_and_chain(server_port):
    # Keys chosen so that, with kv-server's 64 shards, some hops cross shards.
    mover = block(server_port, "BLMOVE", "src", "mid", "RIGHT", "LEFT", "0")
    popper = block(server_port, "BRPOP", "mid", "0")
    pusher = Client(server_port)
    assert pusher.call("RPUSH", "src", "a", "b") == b":2\r\n"
    assert mover.read_bytes() == b"$1\r\nb\r\n"
    assert popper.read_bytes() == bulk_array("mid", "b")
    assert pusher.call("LRANGE", "src", "0", "-1") == bulk_array("a")
    assert pusher.call("LLEN", "mid") == b":0\r\n"
    rot = block(server_port, "BRPOPLPUSH", "ring", "ring", "0")
    assert pusher.call("RPUSH", "ring", "x") == b":1\r\n"
    assert rot.read_bytes() == b"$1\r\nx\r\n"
    assert pusher.call("LRANGE", "ring", "0", "-1") == bulk_array("x")


def test_blocking_in_multi_does_not_block(server_port):
    c = Client(server_port)
    assert c.call("MULTI") == b"+OK\r\n"
    assert c.call("BLPOP", "nokey", "0") == b"+QUEUED\r\n"
    assert c.call("BLMOVE", "nokey", "d", "LEFT", "LEFT", "0") == b"+QUEUED\r\n"
    assert c.call("EXEC") == b"*2\r\n*-1\r\n$-1\r\n"


def assert_each_pushed_element_popped_once(port, keys, per_pusher, pop, push, size_cmd, range_cmd):
    """Six waiters (on both I/O threads) loop pop(client, waiter_index) -> popped elements, while
    two clients push per_pusher elements each (push(client, key, i, element)): every element ends
    up with exactly one waiter or still in its key, read back with size_cmd / range_cmd."""
    got = []
    lock = threading.Lock()
    stop = threading.Event()

    def waiter(index):
        c = Client(port)
        deadline = time.monotonic() + 20
        while not stop.is_set() and time.monotonic() < deadline:
            popped = pop(c, index)
            with lock:
                got.extend(popped)
        c.close()

    def pusher(tag):
        c = Client(port)
        for i in range(per_pusher):
            push(c, keys[i % len(keys)], i, f"{tag}{i}")
        c.close()

    waiters = [threading.Thread(target=waiter, args=(i,)) for i in range(6)]
    pushers = [threading.Thread(target=pusher, args=(tag,)) for tag in "ab"]
    for t in waiters + pushers:
        t.start()
    for t in pushers:
        t.join(timeout=20)
    # Let the waiters drain what is left, then stop them.
    check = Client(port)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if all(check.call(size_cmd, k) == b":0\r\n" for k in keys):
            break
        time.sleep(0.05)
    stop.set()
    for t in waiters:
        t.join(timeout=10)
    left = []
    for k in keys:
        reply = check.call(range_cmd, k, "0", "-1")
        left += reply.split(b"\r\n")[2::2]
    left = [x for x in left if x]
    pushed = sorted(f"{tag}{i}".encode() for tag in "ab" for i in range(per_pusher))
    assert sorted(got + left) == pushed


def test_concurrent_waiters_get_each_element_once(server_port):
    """BLPOP waiters on several keys and two RPUSH clients."""
    keys = ["c1", "c2", "c3"]

    def pop(c, _index):
        reply = c.call("BLPOP", *keys, "0.2")
        return [] if reply == b"*-1\r\n" else [reply.split(b"\r\n")[4]]

    def push(c, key, _i, element):
        c.call("RPUSH", key, element)

    assert_each_pushed_element_popped_once(server_port, keys, 150, pop, push, "LLEN", "LRANGE")


# ---- Sorted-set and *MPOP blocking pops, CLIENT UNBLOCK: kv-server and redis-server side by side --

@pytest.fixture(params=["redis", "kv"])
def both_ports(request, server_factory):
    """(redis port, candidate port): each scenario runs on both and the transcripts must be
    identical. The candidate is kv-server (two I/O threads) or, proving the scenario
    deterministic, a second redis-server."""
    extra = ["--io-threads", "2"] if request.param == "kv" else []
    return server_factory("redis").port, server_factory(request.param, extra).port


def hello(client, proto):
    if proto == 3:
        assert client.call("HELLO", "3").startswith(b"%")


def blocked(port, proto, *cmd):
    """A new client (RESP `proto`) that sent `cmd` and is now blocked."""
    before = blocked_clients(port)
    c = Client(port)
    hello(c, proto)
    c.send_command(*cmd)
    wait_blocked(port, before + 1)
    assert not c.has_data(), "%r answered at once" % (cmd,)
    return c


def wake_scenario(port, proto):
    """Blocks clients in BZPOPMIN, BZPOPMAX, BZMPOP and BLMPOP, feeds them from another client and
    returns every reply in order."""
    out = []
    pusher = Client(port)
    hello(pusher, proto)
    # FIFO among three waiters of different forms on one key.
    w1 = blocked(port, proto, "BZPOPMIN", "zq", "other", "0")
    w2 = blocked(port, proto, "BZMPOP", "0", "2", "other", "zq", "MAX", "COUNT", "2")
    w3 = blocked(port, proto, "BZPOPMAX", "zq", "0")
    out.append(pusher.call("ZADD", "zq", "1.5", "a", "2", "b", "3", "c", "-inf", "d"))
    out += [w1.read_bytes(), w2.read_bytes(), w3.read_bytes()]
    out.append(pusher.call("ZRANGE", "zq", "0", "-1", "WITHSCORES"))
    # ZINCRBY and ZUNIONSTORE into the key wake a waiter too.
    w1 = blocked(port, proto, "BZPOPMAX", "inc", "0")
    out.append(pusher.call("ZINCRBY", "inc", "1e300", "m"))
    out.append(w1.read_bytes())
    w2 = blocked(port, proto, "BZMPOP", "0", "1", "dst", "MIN", "COUNT", "10")
    out.append(pusher.call("ZADD", "src", "3", "x", "1", "y"))
    out.append(pusher.call("ZUNIONSTORE", "dst", "1", "src"))
    out.append(w2.read_bytes())
    out.append(pusher.call("EXISTS", "dst"))
    # BLMPOP with a count, and a BLPOP behind it.
    w1 = blocked(port, proto, "BLMPOP", "0", "2", "l1", "l2", "RIGHT", "COUNT", "2")
    w2 = blocked(port, proto, "BLPOP", "l2", "0")
    out.append(pusher.call("RPUSH", "l2", "a", "b", "c"))
    out += [w1.read_bytes(), w2.read_bytes()]
    out.append(pusher.call("LRANGE", "l2", "0", "-1"))
    # A list pushed into a key a BZPOPMIN waits on does not wake it; a sorted set later does.
    w1 = blocked(port, proto, "BZPOPMIN", "mixed", "0")
    out.append(pusher.call("RPUSH", "mixed", "v"))
    out.append(b"silent" if still_blocked(w1, port, 1) else b"answered")
    out.append(pusher.call("DEL", "mixed"))
    out.append(pusher.call("ZADD", "mixed", "5", "m"))
    out.append(w1.read_bytes())
    # Timeouts.
    w1 = Client(port)
    hello(w1, proto)
    out.append(w1.call("BZPOPMIN", "none", "0.1"))
    out.append(w1.call("BZMPOP", "0.1", "1", "none", "MAX"))
    out.append(w1.call("BLMPOP", "0.1", "1", "none", "LEFT"))
    for c in (pusher, w1):
        c.close()
    return out


@pytest.mark.parametrize("proto", [2, 3])
def test_zset_and_mpop_waiters_match_redis(both_ports, proto):
    redis_port, kv_port = both_ports
    want = wake_scenario(redis_port, proto)
    got = wake_scenario(kv_port, proto)
    assert got == want
    # A few anchors, so that the test also fails if both servers changed together.
    if proto == 2:
        assert want[1] == bulk_array("zq", "d", "-inf")
    else:
        assert want[1] == b"*3\r\n$2\r\nzq\r\n$1\r\nd\r\n,-inf\r\n"
    assert b"silent" in want


def unblock_scenario(port, proto):
    out = []
    admin = Client(port)
    w = Client(port)
    hello(w, proto)
    wid = w.call("CLIENT", "ID").strip()[1:]
    for cmd in (["BZPOPMIN", "u", "0"], ["BZMPOP", "0", "1", "u", "MIN"],
                ["BLMPOP", "0", "1", "u", "LEFT", "COUNT", "2"], ["BLPOP", "u", "0"]):
        for mode in ([], ["TIMEOUT"], ["ERROR"]):
            w.send_command(*cmd)
            wait_blocked(port, 1)
            assert not w.has_data()
            out.append(admin.call("CLIENT", "UNBLOCK", wid, *mode))
            out.append(w.read_bytes())
            out.append(admin.call("CLIENT", "UNBLOCK", wid, *mode))  # no longer blocked
    # An unblocked client takes nothing from a later write, and works normally.
    out.append(admin.call("ZADD", "u", "1", "a"))
    out.append(w.call("ZCARD", "u"))
    out.append(admin.call("CLIENT", "UNBLOCK", admin.call("CLIENT", "ID").strip()[1:]))
    out.append(admin.call("CLIENT", "UNBLOCK", wid, "bogus"))
    out.append(admin.call("CLIENT", "UNBLOCK", "notanumber"))
    for c in (admin, w):
        c.close()
    return out


@pytest.mark.parametrize("proto", [2, 3])
def test_client_unblock_matches_redis(both_ports, proto):
    redis_port, kv_port = both_ports
    want = unblock_scenario(redis_port, proto)
    got = unblock_scenario(kv_port, proto)
    assert got == want
    assert want[:3] == [b":1\r\n", b"*-1\r\n" if proto == 2 else b"_\r\n", b":0\r\n"]
    assert want[7] == b"-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n"


def test_info_counts_blocked_clients_and_subscriptions(both_ports):
    for port in both_ports:
        info = Client(port)

        def field(section, name):
            text = info.call("INFO", section).decode()
            return next(line.split(":", 1)[1] for line in text.split("\r\n")
                        if line.startswith(name + ":"))

        waiters = [blocked(port, 2, "BZPOPMIN", "cnt", "0"), blocked(port, 2, "BLPOP", "lc", "0")]
        assert field("clients", "blocked_clients") == "2"
        sub = Client(port)
        sub.call("SUBSCRIBE", "ch1")
        sub.call("SUBSCRIBE", "ch2")
        sub.call("PSUBSCRIBE", "p*")
        assert field("stats", "pubsub_channels") == "2"
        assert field("stats", "pubsub_patterns") == "1"
        info.call("ZADD", "cnt", "1", "a")
        assert waiters[0].read_bytes() == bulk_array("cnt", "a", "1")
        assert field("clients", "blocked_clients") == "1"
        waiters[1].close()
        wait_blocked(port, 0)
        sub.close()
        info.close()


def test_concurrent_zset_waiters_get_each_member_once(server_port):
    """BZPOPMIN/BZMPOP waiters on several keys and two ZADD clients."""
    keys = ["zc1", "zc2", "zc3"]

    def pop(c, index):
        use_mpop = index % 2 == 0
        if use_mpop:
            reply = c.call("BZMPOP", "0.2", str(len(keys)), *keys, "MIN", "COUNT", "2")
        else:
            reply = c.call("BZPOPMIN", *keys, "0.2")
        if reply == b"*-1\r\n":
            return []
        parts = reply.split(b"\r\n")
        # BZPOPMIN: *3 $k key $m member $s score; BZMPOP: *2 $k key *n (*2 $m member $s score)*n
        return parts[6::5][:int(parts[3][1:])] if use_mpop else parts[4:5]

    def push(c, key, i, element):
        c.call("ZADD", key, str(i), element)

    assert_each_pushed_element_popped_once(server_port, keys, 120, pop, push, "ZCARD", "ZRANGE")
