"""grpc.health.v1 follows AOF loading (issue 5): the admin port is up while a large AOF loads and
answers NOT_SERVING, RESP answers -LOADING meanwhile, then SERVING with the whole keyspace there.

The AOF is written by the test itself in Redis 7's multi-part layout (a base file plus the
manifest), which is much faster than producing it through the server.

Run: /usr/bin/python3 -m pytest tests/integration/test_admin_health_loading.py [--kv-server PATH]"""

import os
import re
import time

import grpc
import redis

from admin_plane import (HEALTH_NOT_SERVING, HEALTH_SERVING, TOKEN, admin_call, admin_pb2,
                         health_check)
from harness import port_accepts, wait_for

KEYS = 10_000
# Every key is INCRed ROUNDS times: small records make the replay slow per byte (the dispatch
# cost is per command) while the keyspace stays small in memory.
ROUNDS = 150
POLL_SECONDS = 90
MAX_POLLS = 200_000


def write_aof(directory, rounds):
    aof_dir = os.path.join(directory, "appendonlydir")
    os.makedirs(aof_dir)
    one_round = b"".join(b"*2\r\n$4\r\nINCR\r\n$7\r\nk:%05d\r\n" % i for i in range(KEYS))
    base = "appendonly.aof.1.base.aof"
    with open(os.path.join(aof_dir, base), "wb") as f:
        f.write(b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n")
        for _ in range(rounds):
            f.write(one_round)
        size = f.tell()
    with open(os.path.join(aof_dir, "appendonly.aof.manifest"), "w") as f:
        f.write(f"file {base} seq 1 type b\n")
    return size


def compress(seq):
    out = []
    for x in seq:
        if not out or out[-1] != x:
            out.append(x)
    return out


def test_health_not_serving_while_aof_loads_then_serving(nodes):
    # The load must last long enough to be watched (RESP probes inside it): the file grows until
    # it does on this machine, instead of hoping its speed allows it.
    rounds = ROUNDS
    for attempt in range(2):
        # Its own temporary --dir, removed at cleanup (the AOF is tens of MB).
        node = nodes.unstarted("kv", args=["--appendonly", "yes"], admin=True, admin_token=TOKEN)
        watched = watch_load(node, rounds)
        if watched["window"] >= 0.5 or attempt == 1:
            break
        print(f"load of {rounds} rounds took {watched['window']:.2f}s: too quick, 3x larger")
        watched["resp"].close()
        node.cleanup()
        rounds *= 3
    check_load(node, rounds, **watched)


def watch_load(node, rounds):
    """Starts `node` on a written AOF and polls health, RESP and progress until SERVING."""
    size = write_aof(node.dir, rounds)
    node.spawn()
    wait_for(lambda: port_accepts(node.admin_port) or node.proc.poll() is not None, 20,
             "the admin port to accept")
    assert node.proc.poll() is None, node.log_tail()

    statuses = []  # health answers in the order seen
    loading_replies = 0  # RESP -LOADING answers
    resp_answers_while_not_serving = []
    progress = []  # (GetPersistence, INFO persistence) pairs read while loading
    kvctl_while_loading = None
    not_serving_since = not_serving_until = None
    resp = redis.Redis(host="127.0.0.1", port=node.port, socket_timeout=5)
    deadline = time.monotonic() + POLL_SECONDS
    serving_seen = 0
    for _ in range(MAX_POLLS):
        assert time.monotonic() < deadline, f"not SERVING after {POLL_SECONDS}s: {statuses[-5:]}"
        assert node.proc.poll() is None, node.log_tail()
        try:
            status = health_check(node, timeout_s=2)
        except grpc.RpcError as e:
            # No connection yet, or no answer in time on a loaded machine; anything else is an
            # answer we did not expect from the health service.
            assert e.code() in (grpc.StatusCode.UNAVAILABLE,
                                grpc.StatusCode.DEADLINE_EXCEEDED), e
            time.sleep(0.005)
            continue
        statuses.append(status)
        if status == HEALTH_SERVING:
            serving_seen += 1
            if serving_seen >= 3:
                break
            continue
        assert status == HEALTH_NOT_SERVING, status
        now = time.monotonic()
        not_serving_since = not_serving_since or now
        not_serving_until = now
        if loading_replies == 0:
            try:
                # PING too answers LOADING (Redis 7: PING has no ok-loading flag).
                resp_answers_while_not_serving.append(resp.ping())
            except redis.exceptions.BusyLoadingError as e:
                # "-LOADING Redis is loading the dataset in memory", as Redis words it.
                assert str(e) == "Redis is loading the dataset in memory", e
                loading_replies += 1
        if len(progress) < 2:
            # Two reads of the load's progress, through gRPC and through RESP's INFO (allowed
            # while loading, as in Redis).
            p = admin_call(node, "GetPersistence", admin_pb2().GetPersistenceRequest()).persistence
            info = resp.info("persistence")
            if p.loading and info["loading"] == 1:
                progress.append((p, info))
        if kvctl_while_loading is None:
            kvctl_while_loading = (node.kvctl("health"), node.kvctl("persistence"))

    window = (not_serving_until - not_serving_since) if not_serving_since else 0.0
    return dict(size=size, statuses=statuses, loading_replies=loading_replies, window=window,
                resp_answers_while_not_serving=resp_answers_while_not_serving,
                progress=progress, kvctl_while_loading=kvctl_while_loading, resp=resp)


def check_load(node, rounds, size, statuses, loading_replies, window,
               resp_answers_while_not_serving, progress, kvctl_while_loading, resp):
    # NOT_SERVING first, then SERVING, never back.
    assert compress(statuses) == [HEALTH_NOT_SERVING, HEALTH_SERVING], compress(statuses)
    print(f"\n{size >> 20} MB AOF: {statuses.count(HEALTH_NOT_SERVING)} NOT_SERVING answers over "
          f"{window:.2f}s, {loading_replies} RESP -LOADING, then SERVING")
    # Health lags the loader by at most one 100 ms poll, so a window this long has RESP probes
    # inside the load itself.
    assert window >= 0.5, f"the load stayed too quick to watch ({window:.2f}s)"
    assert loading_replies >= 1, resp_answers_while_not_serving
    assert progress, "no GetPersistence while loading"
    previous = 0
    for p, info in progress:
        assert p.loading_total_bytes == info["loading_total_bytes"] == size
        assert previous <= p.loading_loaded_bytes <= info["loading_loaded_bytes"] <= size
        previous = info["loading_loaded_bytes"]
        # As Redis: appendonly yes means aof_enabled:1 from before the load.
        assert p.aof_enabled and info["aof_enabled"] == 1
    health, persistence = kvctl_while_loading
    assert health.returncode != 0 and health.stdout == "NOT_SERVING\n", health
    assert persistence.returncode == 0, persistence.stderr
    assert re.search(r"^loading\s+[0-9.]+ \S+ of [0-9.]+ \S+ \([0-9.]+%\)$", persistence.stdout,
                     re.M), persistence.stdout

    # Loaded completely: every key there with every increment applied.
    assert resp.dbsize() == KEYS
    keys = [b"k:%05d" % i for i in range(KEYS)]
    for start in range(0, KEYS, 1000):
        assert resp.mget(keys[start:start + 1000]) == [b"%d" % rounds] * len(
            keys[start:start + 1000])
    info = node.kvctl_json("info")
    assert {d["db"]: d["keys"] for d in info["keyspace"]} == {0: KEYS}
    p = node.kvctl_json("persistence")
    assert p["loading"] is False and p["aof_enabled"] is True
    assert node.kvctl_json("health") == {"status": "SERVING"}
    resp.close()
