"""MULTI/EXEC/WATCH against kv-server, compared byte for byte with Debian's redis-server 7.0, and a
concurrent WATCH/MULTI/EXEC transfer test with several I/O threads."""

import random
import threading
import time

import pytest
import redis

from harness import HOST, wait_for
from resp import RawClient, normalise


def Raw(port):
    return RawClient(HOST, port)


# Each case: a list of (connection, command) run in order on fresh connections; every reply is
# compared with redis-server's.
CASES = {
    "control_errors": [("a", "EXEC"), ("a", "DISCARD"), ("a", "MULTI"), ("a", "MULTI"),
                       ("a", "WATCH k"), ("a", "SET k 1"), ("a", "EXEC"), ("a", "WATCH"),
                       ("a", "UNWATCH x")],
    "queue_and_exec": [("a", "MULTI"), ("a", "SET a 1"), ("a", "INCR a"), ("a", "GET a"),
                       ("a", "PING"), ("a", "ECHO hi"), ("a", "EXEC"), ("a", "MULTI"),
                       ("a", "EXEC")],
    "runtime_error_keeps_going": [("a", "SET s x"), ("a", "MULTI"), ("a", "INCR s"),
                                  ("a", "SET t 1"), ("a", "EXEC"), ("a", "GET t")],
    "unknown_command_aborts": [("a", "MULTI"), ("a", "SET d 1"), ("a", "NOSUCHCOMMAND x"),
                               ("a", "SET e 1"), ("a", "EXEC"), ("a", "GET d"),
                               ("a", "EXEC")],
    "arity_aborts": [("a", "MULTI"), ("a", "SET d 1"), ("a", "GET"), ("a", "EXEC"),
                     ("a", "GET d")],
    "exec_arity_discards": [("a", "MULTI"), ("a", "SET f 1"), ("a", "EXEC extra"),
                            ("a", "EXEC"), ("a", "GET f"), ("a", "MULTI"),
                            ("a", "DISCARD extra"), ("a", "DISCARD"), ("a", "EXEC")],
    "discard": [("a", "WATCH w"), ("a", "MULTI"), ("a", "SET b 1"), ("a", "DISCARD"),
                ("a", "GET b"), ("b", "SET w 2"), ("a", "MULTI"), ("a", "EXEC")],
    "watch_other_client": [("a", "WATCH w"), ("b", "SET w changed"), ("a", "MULTI"),
                           ("a", "SET w mine"), ("a", "EXEC"), ("a", "GET w"),
                           ("a", "WATCH w"), ("a", "MULTI"), ("a", "SET w mine"), ("a", "EXEC"),
                           ("a", "GET w")],
    "watch_own_write": [("a", "WATCH own"), ("a", "SET own 1"), ("a", "MULTI"),
                        ("a", "GET own"), ("a", "EXEC")],
    "watch_failed_write_does_not_touch": [("a", "SET n x"), ("a", "WATCH n"), ("b", "INCR n"),
                                          ("b", "SET n y NX"), ("a", "MULTI"), ("a", "EXEC")],
    "watch_other_db": [("a", "WATCH k"), ("b", "SELECT 1"), ("b", "SET k x"), ("a", "MULTI"),
                       ("a", "EXEC")],
    "unwatch": [("a", "WATCH w"), ("b", "SET w again"), ("a", "UNWATCH"), ("a", "MULTI"),
                ("a", "GET w"), ("a", "EXEC")],
    "select_inside": [("a", "MULTI"), ("a", "SELECT 1"), ("a", "SET inone 1"),
                      ("a", "SELECT 0"), ("a", "GET inone"), ("a", "EXEC"),
                      ("a", "SELECT 1"), ("a", "GET inone")],
    "hello_queued": [("a", "MULTI"), ("a", "HELLO 3"), ("a", "GET nothing"), ("a", "EXEC"),
                     ("a", "MULTI"), ("a", "HELLO 2"), ("a", "EXEC")],
    "quit_inside": [("a", "MULTI"), ("a", "SET q 1"), ("a", "QUIT")],
}


def run_case(port, steps):
    conns = {}
    out = []
    try:
        for name, cmd in steps:
            conn = conns.setdefault(name, Raw(port))
            out.append(normalise(conn.call(*cmd.split())))
    finally:
        for c in conns.values():
            c.close()
    return out


@pytest.mark.parametrize("case", sorted(CASES))
def test_same_replies_as_redis(pair, case):
    # No FLUSHALL between cases: both servers see the same history of cases, in the same order.
    reference, candidate = pair
    expected = run_case(reference.port, CASES[case])
    got = run_case(candidate.port, CASES[case])
    for (conn, cmd), want, have in zip(CASES[case], expected, got):
        assert have == want, f"{conn}: {cmd}"


def test_watched_key_expiring(servers):
    for kind in ("redis", "kv"):
        c = Raw(servers[kind].port)
        assert c.call("SET", "exp", "v", "PX", "50") == b"+OK\r\n"
        assert c.call("WATCH", "exp") == b"+OK\r\n"
        time.sleep(0.15)
        assert c.call("MULTI") == b"+OK\r\n"
        assert c.call("GET", "exp") == b"+QUEUED\r\n"
        assert c.call("EXEC") == b"*-1\r\n", kind
        c.close()


def connected_clients(port):
    with Raw(port) as c:
        info = c.cmd("INFO", "clients").decode()
    return int(info.split("connected_clients:")[1].split()[0])


@pytest.mark.parametrize("kind", ["redis", "kv"])
def test_disconnect_unwatches_and_discards(servers, kind):
    # A client that disconnects mid-transaction leaves nothing behind: its queue never runs, and
    # its WATCH is gone, so touching the key afterwards must not reach the freed client (the
    # sanitizer build and the checked stop at teardown catch a dangling watcher).
    port = servers[kind].port
    before = connected_clients(port)
    c = Raw(port)
    assert c.call("WATCH", "dw") == b"+OK\r\n"
    assert c.call("MULTI") == b"+OK\r\n"
    assert c.call("SET", "dw", "never") == b"+QUEUED\r\n"
    assert connected_clients(port) == before + 1
    c.close()
    wait_for(lambda: connected_clients(port) == before, 10, "the server to drop the client")
    with Raw(port) as k:
        assert k.call("GET", "dw") == b"$-1\r\n"
        assert k.call("SET", "dw", "x") == b"+OK\r\n"  # touches the key the dead client watched
        assert k.call("DEL", "dw") == b":1\r\n"
        assert k.call("WATCH", "dw") == b"+OK\r\n"
        assert k.call("MULTI") == b"+OK\r\n"
        assert k.call("EXEC") == b"*0\r\n"


THREADS = 8
TRANSFERS = 200
ACCOUNTS = 10
START_BALANCE = 1000


def transfers(port, seed, done, conflicts, errors):
    rng = random.Random(seed)
    try:
        with redis.Redis(port=port, socket_timeout=10) as r:
            n = 0
            attempts = 0
            while n < TRANSFERS and attempts < TRANSFERS * 50:
                attempts += 1
                a, b = rng.sample(range(ACCOUNTS), 2)
                src, dst = f"acct:{a}", f"acct:{b}"
                amount = rng.randint(1, 50)
                with r.pipeline(transaction=True) as p:
                    try:
                        p.watch(src, dst)
                        # Absolute SETs from values read under WATCH: without a working WATCH,
                        # concurrent transfers overwrite each other and the total drifts.
                        balance, other = int(p.get(src)), int(p.get(dst))
                        if balance < amount:
                            p.unwatch()
                            n += 1
                            continue
                        p.multi()
                        p.set(src, balance - amount)
                        p.set(dst, other + amount)
                        p.execute()
                        n += 1
                    except redis.WatchError:
                        continue
            done.append(n)
            conflicts.append(attempts - n)
    except Exception as exc:  # reported by the main thread
        errors.append(repr(exc))


@pytest.mark.parametrize("kind", ["kv", "redis"])
def test_concurrent_transfers_keep_total(servers, kind):
    port = servers[kind].port
    with redis.Redis(port=port) as r:
        keys = [f"acct:{i}" for i in range(ACCOUNTS)]
        r.mset({k: START_BALANCE for k in keys})
        total = ACCOUNTS * START_BALANCE
        done, conflicts, errors = [], [], []
        workers = [threading.Thread(target=transfers, args=(port, i, done, conflicts, errors))
                   for i in range(THREADS)]
        for w in workers:
            w.start()
        # MGET locks every shard it reads, so each sample is a consistent snapshot: a half-applied
        # transfer would show up as a different total.
        samples = 0
        while any(w.is_alive() for w in workers) and samples < 5000:
            assert sum(int(v) for v in r.mget(keys)) == total
            samples += 1
        for w in workers:
            w.join(timeout=60)
        assert not errors, errors
        assert done == [TRANSFERS] * THREADS
        values = [int(v) for v in r.mget(keys)]
        assert sum(values) == total
        assert all(v >= 0 for v in values)
        assert values != [START_BALANCE] * ACCOUNTS  # transfers did happen
        print(f"{kind}: {THREADS * TRANSFERS} transfers, {sum(conflicts)} WATCH aborts, "
              f"{samples} consistent snapshots")
