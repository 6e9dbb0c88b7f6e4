"""AOF persistence, black box: round trips through restart, a generic test over every write
command of the command table, crash tests (SIGKILL) for appendfsync always/everysec, truncated and
corrupted files, rewrite under load, BGREWRITEAOF, CONFIG SET appendonly and WAITAOF.

Run: /usr/bin/python3 -m pytest tests/integration/test_aof.py  (KV_SERVER=path overrides the
binary, default build/server/kv-server)."""

import os
import random
import resource
import signal
import subprocess
import threading
import time

import pytest
import redis

from harness import info_field, tool_path, wait_blocked, wait_for


@pytest.fixture
def node_factory(nodes):
    """node_factory(*args) -> a kv-server Node not started yet (stopped and checked at teardown)."""
    def make(*args, directory=None):
        return nodes.unstarted("kv", args=list(args), directory=directory)
    return make


def known_commands(c):
    """Names of the commands the node has (COMMAND if implemented, else probing)."""
    try:
        reply = c.execute_command("COMMAND")
    except redis.exceptions.ResponseError:
        return None
    def text(x):
        return x.decode() if isinstance(x, bytes) else str(x)
    if isinstance(reply, dict):  # redis-py parses COMMAND into {name: {"arity":..., "flags":...}}
        return {text(name).lower(): (text(name), int(info["arity"]),
                                     [text(f) for f in info["flags"]])
                for name, info in reply.items()}
    return {text(row[0]).lower(): (text(row[0]), int(row[1]), [text(f) for f in row[2]])
            for row in reply}


def has_command(c, name):
    try:
        c.execute_command(name)
    except redis.exceptions.ResponseError as e:
        return "unknown command" not in str(e)
    return True


def base_line(manifest_text):
    return [line for line in manifest_text.splitlines() if line.endswith(" type b")]


def wait_rewrite_done(c, before_files, directory, timeout=20):
    """Waits until the manifest names a new base file (INFO may not exist on this branch). The
    manifest changes earlier too, when the rewrite lists its new incr file."""
    deadline = time.time() + timeout
    manifest = os.path.join(directory, "appendonly.aof.manifest")
    while time.time() < deadline:
        try:
            with open(manifest) as f:
                text = f.read()
            if base_line(text) and base_line(text) != base_line(before_files):
                return text
        except OSError:
            pass
        time.sleep(0.05)
    raise AssertionError("rewrite did not finish")


def read_manifest(n):
    try:
        with open(os.path.join(n.aof_dir(), "appendonly.aof.manifest")) as f:
            return f.read()
    except OSError:
        return ""


# ---- Keyspace snapshots (no DUMP): TYPE + type-specific reads ------------------------------------

def norm(v):
    """redis-py turns HGETALL into a dict and SMEMBERS into a set: compare them order-free."""
    if isinstance(v, dict):
        return sorted(v.items())
    if isinstance(v, set):
        return sorted(v)
    return v


def snapshot(c, keys, dbs=(0, 1)):
    cmds = known_commands(c)
    have = (lambda name: name in cmds) if cmds is not None else (lambda name: has_command(c, name))
    can_type = have("type")
    can_pttl = have("pttl")
    out = {}
    for db in dbs:
        c.execute_command("SELECT", db)
        for k in keys:
            if can_type:
                t = c.execute_command("TYPE", k).decode() if isinstance(
                    c.execute_command("TYPE", k), bytes) else c.execute_command("TYPE", k)
            else:
                t = "string"
            if t == "none":
                continue
            if t == "string":
                try:
                    v = c.execute_command("GET", k)
                except redis.exceptions.ResponseError:
                    v = "<non-string>"
                if v is None:
                    continue
            elif t == "list":
                v = c.execute_command("LRANGE", k, 0, -1)
            elif t == "hash":
                v = norm(c.execute_command("HGETALL", k))
            elif t == "set":
                v = sorted(norm(c.execute_command("SMEMBERS", k)))
            elif t == "zset":
                v = c.execute_command("ZRANGE", k, 0, -1, "WITHSCORES")
            else:
                v = "<%s>" % t
            ttl = None
            if can_pttl:
                p = c.execute_command("PTTL", k)
                ttl = "none" if p == -1 else "set"
            out[(db, k)] = (t, v, ttl)
    c.execute_command("SELECT", 0)
    return out


# ---- Round trip ----------------------------------------------------------------------------------

def test_round_trip_strings_with_ttls(node_factory):
    n = node_factory("--appendonly", "yes").start()
    c = n.client()
    c.set("plain", "v")
    c.set("bin", b"\x00\r\n\xff")
    c.set("long_ttl", "x", ex=1000)
    c.set("short_ttl", "y", px=400)
    c.set("n", "10")
    c.incr("n")
    c.incrby("n", 5)
    c.mset({"m1": "a", "m2": "b"})
    c.execute_command("SELECT", 2)
    c.set("in_db2", "z")
    c.execute_command("SELECT", 0)
    n.restart()
    time.sleep(0.5)  # short_ttl is past its deadline now; its absolute deadline was logged
    c = n.client()
    assert c.get("plain") == b"v"
    assert c.get("bin") == b"\x00\r\n\xff"
    assert c.get("long_ttl") == b"x"
    assert c.get("short_ttl") is None
    assert c.get("n") == b"16"
    assert c.mget("m1", "m2") == [b"a", b"b"]
    if has_command(c, "pttl"):
        assert 990_000 < c.pttl("long_ttl") <= 1_000_000
    c.execute_command("SELECT", 2)
    assert c.get("in_db2") == b"z"


TYPE_SETUP = {
    "list": (["RPUSH", "l", "a", "b", "c"], ["LRANGE", "l", 0, -1]),
    "hash": (["HSET", "h", "f1", "v1", "f2", "v2"], ["HGETALL", "h"]),
    "set": (["SADD", "s", "x", "y"], ["SMEMBERS", "s"]),
    "zset": (["ZADD", "z", "1.5", "a", "-inf", "b", "1e300", "c"], ["ZRANGE", "z", 0, -1,
                                                                     "WITHSCORES"]),
}


@pytest.mark.parametrize("type_name", sorted(TYPE_SETUP))
def test_round_trip_collections_and_rewrite(node_factory, type_name):
    """Each collection type through the log and through a rewrite. Skipped while the type's
    commands are not on this branch (the families land separately)."""
    write, read = TYPE_SETUP[type_name]
    n = node_factory("--appendonly", "yes").start()
    c = n.client()
    assert has_command(c, write[0]) and has_command(c, read[0]), type_name
    c.execute_command(*write)
    want = norm(c.execute_command(*read))
    n.restart()
    c = n.client()
    assert norm(c.execute_command(*read)) == want
    before = read_manifest(n)
    assert c.execute_command("BGREWRITEAOF") == b"Background append only file rewriting started"
    wait_rewrite_done(c, before, n.aof_dir())
    n.restart()
    c = n.client()
    assert norm(c.execute_command(*read)) == want


def test_bitmaps_and_hyperloglogs_replay_and_rewrite_byte_for_byte(node_factory):
    """Bitmaps and HLLs are strings: the log replays their commands and the rewrite stores their
    bytes; both must give back the same bytes (an HLL turned dense included)."""
    n = node_factory("--appendonly", "yes").start()
    c = n.client()
    c.setbit("bm", 100, 1)
    c.setbit("bm", 3, 1)
    c.execute_command("BITFIELD", "bf", "SET", "i12", "5", "-300", "OVERFLOW", "FAIL",
                      "INCRBY", "u4", "#9", "20", "OVERFLOW", "SAT", "INCRBY", "u7", "60", "1000")
    c.execute_command("BITOP", "XOR", "x", "bm", "bf")
    c.pfadd("small", *[f"e{i}" for i in range(50)])
    c.pfadd("big", *[f"e{i}" for i in range(5000)])
    c.pfmerge("merged", "small", "big")
    keys = ["bm", "bf", "x", "small", "big", "merged"]
    want = [c.get(k) for k in keys]
    assert want[4][4] == 0 and want[3][4] == 1  # "big" is dense, "small" sparse
    n.restart()
    c = n.client()
    assert [c.get(k) for k in keys] == want
    before = read_manifest(n)
    assert c.execute_command("BGREWRITEAOF") == b"Background append only file rewriting started"
    wait_rewrite_done(c, before, n.aof_dir())
    n.restart()
    c = n.client()
    assert [c.get(k) for k in keys] == want
    assert c.pfcount("big") == c.pfcount("merged") > 4800


# The generic test over every write command of the table: test_aof_every_write.py.


# ---- Crash tests ---------------------------------------------------------------------------------

def crash_run(n, seconds, threads=4, min_acks=100):
    """Clients do INCR and SET until SIGKILL, which comes after `seconds` and at least `min_acks`
    acknowledged writes (however slow the machine); returns the acknowledged writes with their
    time."""
    acked = []
    lock = threading.Lock()
    stop = threading.Event()

    def writer(tid):
        c = n.client()
        i = 0
        while not stop.is_set():
            try:
                v = c.incr("counter")
                c.set("key:%d:%d" % (tid, i), str(v))
                with lock:
                    acked.append((time.monotonic(), tid, i, v))
                i += 1
            except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError):
                return

    ts = [threading.Thread(target=writer, args=(t,)) for t in range(threads)]
    for t in ts:
        t.start()
    time.sleep(seconds)  # the load runs this long: time is the stimulus here
    wait_for(lambda: len(acked) >= min_acks, 60, f"{min_acks} acknowledged writes")
    kill_time = time.monotonic()
    n.kill()
    stop.set()
    for t in ts:
        t.join(timeout=10)
    return acked, kill_time


def test_crash_with_fsync_always_keeps_every_acknowledged_write(node_factory):
    n = node_factory("--appendonly", "yes", "--appendfsync", "always").start()
    acked, _ = crash_run(n, random.uniform(0.5, 1.5))
    assert len(acked) > 100
    n.start()
    c = n.client()
    counter = int(c.get("counter"))
    assert counter >= max(v for _, _, _, v in acked)
    pipe = c.pipeline(transaction=False)
    for _, tid, i, v in acked:
        pipe.get("key:%d:%d" % (tid, i))
    got = pipe.execute()
    missing = [a for a, g in zip(acked, got) if g != str(a[3]).encode()]
    assert not missing, "%d acknowledged writes lost, e.g. %s" % (len(missing), missing[:5])


def test_crash_with_fsync_everysec_loses_at_most_two_seconds(node_factory):
    n = node_factory("--appendonly", "yes", "--appendfsync", "everysec").start()
    acked, kill_time = crash_run(n, 3.0)
    n.start()
    c = n.client()
    got = c.get("counter")
    counter = int(got) if got is not None else 0
    old_enough = [v for t, _, _, v in acked if t < kill_time - 2.0]
    assert old_enough, "no writes older than 2 s"
    assert counter >= max(old_enough)


# ---- Damaged files -------------------------------------------------------------------------------

def write_some_and_stop(n):
    n.start()
    c = n.client()
    for i in range(50):
        c.set("k%d" % i, "v%d" % i)
    n.stop()
    return os.path.join(n.aof_dir(), "appendonly.aof.1.incr.aof")


def test_truncated_tail_refused_then_cut_back(node_factory):
    n = node_factory("--appendonly", "yes", "--aof-load-truncated", "no")
    incr = write_some_and_stop(n)
    whole = os.path.getsize(incr)
    with open(incr, "ab") as f:
        f.write(b"*3\r\n$3\r\nSET\r\n$3\r\nk99\r\n$2\r\nv")
    assert n.start_expecting_exit() != 0
    assert "Unexpected end of file" in n.log_tail()
    assert str(whole) in n.log_tail()
    n.args = ["--appendonly", "yes", "--aof-load-truncated", "yes"]
    n.start()
    c = n.client()
    assert c.get("k49") == b"v49"
    assert c.get("k99") is None
    assert os.path.getsize(incr) == whole
    assert "truncated" in n.log_tail()


def test_corruption_in_the_middle_refuses_to_start(node_factory):
    n = node_factory("--appendonly", "yes")
    incr = write_some_and_stop(n)
    with open(incr, "rb") as f:
        data = bytearray(f.read())
    pos = data.index(b"*3", len(data) // 2)
    data[pos] = ord("?")
    with open(incr, "wb") as f:
        f.write(data)
    assert n.start_expecting_exit() != 0
    assert "byte offset %d" % pos in n.log_tail()


# ---- Rewrite -------------------------------------------------------------------------------------

def test_rewrite_under_concurrent_writes_loses_nothing(node_factory):
    n = node_factory("--appendonly", "yes", "--io-threads", "2").start()
    c = n.client()
    for i in range(2000):
        c.set("pre:%d" % i, "x" * 50)
    model = {}
    lock = threading.Lock()
    stop = threading.Event()

    def writer(tid):
        cl = n.client()
        r = random.Random(tid)
        while not stop.is_set():
            k = "w:%d" % r.randint(0, 300)
            v = cl.incr(k)
            with lock:
                model[k] = max(model.get(k, 0), v)

    ts = [threading.Thread(target=writer, args=(t,)) for t in range(3)]
    for t in ts:
        t.start()
    for _ in range(3):
        before = read_manifest(n)
        deadline = time.time() + 10
        while True:
            try:
                reply = c.execute_command("BGREWRITEAOF")
                break
            except redis.exceptions.ResponseError as e:
                assert "already in progress" in str(e)
                assert time.time() < deadline
                time.sleep(0.01)
        assert reply == b"Background append only file rewriting started"
        wait_rewrite_done(c, before, n.aof_dir())
        time.sleep(0.2)
    stop.set()
    for t in ts:
        t.join(timeout=10)
    expected = {k: str(v).encode() for k, v in model.items()}
    live = dict(zip(expected, c.mget(list(expected))))
    assert live == expected
    files = sorted(os.listdir(n.aof_dir()))
    assert len([f for f in files if f.endswith(".base.aof")]) == 1, files
    n.restart()
    c = n.client()
    assert dict(zip(expected, c.mget(list(expected)))) == expected
    assert c.get("pre:1999") == b"x" * 50


def test_bgrewriteaof_replies_and_works_with_appendonly_off(node_factory):
    n = node_factory().start()
    c = n.client()
    c.set("a", "1")
    assert c.execute_command("BGREWRITEAOF") == b"Background append only file rewriting started"
    wait_rewrite_done(c, "", n.aof_dir())
    # Redis 7.0 writes a base file and a manifest even with appendonly off.
    n.stop()
    n.args = ["--appendonly", "yes"]
    n.start()
    assert n.client().get("a") == b"1"


def test_server_wide_commands_inside_exec(node_factory):
    # CONFIG RESETSTAT, BGREWRITEAOF and CONFIG SET appendonly lock the whole keyspace themselves;
    # EXEC already holds it, and the node used to hang for good on the first of them.
    n = node_factory("--appendonly", "yes").start()
    c = n.client()
    before = read_manifest(n)
    p = c.pipeline(transaction=True)
    p.config_resetstat()
    p.set("a", "1")
    p.execute_command("BGREWRITEAOF")
    p.set("b", "2")
    replies = p.execute()
    assert replies == [True, True, b"Background append only file rewriting scheduled", True]
    wait_rewrite_done(c, before, n.aof_dir())
    p = c.pipeline(transaction=True)
    p.set("c", "3")
    p.config_set("appendonly", "no")
    p.set("unlogged", "4")
    assert p.execute() == [True, True, True]
    assert c.ping()
    n.stop()
    n.args = ["--appendonly", "yes"]
    n.start()
    c = n.client()
    assert [c.get(k) for k in ("a", "b", "c", "unlogged")] == [b"1", b"2", b"3", None]


def test_info_persistence(node_factory):
    n = node_factory("--appendonly", "yes").start()
    c = n.client()
    c.set("a", "1")
    before = read_manifest(n)
    c.execute_command("BGREWRITEAOF")
    wait_rewrite_done(c, before, n.aof_dir())
    deadline = time.time() + 5
    while True:
        info = c.info("persistence")
        if info.get("aof_rewrite_in_progress") == 0 or time.time() > deadline:
            break
        time.sleep(0.05)
    assert info["aof_enabled"] == 1 and info["loading"] == 0
    assert info["aof_rewrites"] == 1 and info["aof_last_bgrewrite_status"] == "ok"
    assert info["aof_last_write_status"] == "ok"
    assert info["aof_current_size"] > 0 and info["aof_base_size"] > 0


def test_config_set_appendonly_at_runtime(node_factory):
    n = node_factory().start()
    c = n.client()
    c.set("before", "1")
    c.config_set("appendonly", "yes")
    wait_rewrite_done(c, "", n.aof_dir())
    c.set("after", "2")
    n.stop()
    n.args = ["--appendonly", "yes"]
    n.start()
    c = n.client()
    assert c.get("before") == b"1" and c.get("after") == b"2"
    c.config_set("appendonly", "no")
    c.set("unlogged", "3")
    n.restart()
    assert n.client().get("unlogged") is None


# ---- Write errors -------------------------------------------------------------------------------

def test_write_error_refuses_writes_holds_replies_and_recovers(node_factory):
    """A file size limit (RLIMIT_FSIZE, SIGXFSZ ignored) makes the AOF write fail with EFBIG like a
    full disk: writes get MISCONF, reads go on, the write caught by the failure is not acknowledged
    until it is on disk, and lifting the limit (prlimit on the live process) recovers."""
    limit = 64 * 1024

    def limit_file_size():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))

    n = node_factory("--appendonly", "yes", "--appendfsync", "always")
    n.preexec_fn = limit_file_size
    n.start()
    c = n.client()
    value = "x" * 1000
    acked = 0
    held = {}

    def blocked_write(i):
        try:
            held[i] = n.client().set("k%d" % i, value)
        except redis.exceptions.ResponseError as e:
            held[i] = str(e)

    # Fill the file up to the limit: the write that crosses it is held (no reply), not failed.
    t = None
    for i in range(200):
        t = threading.Thread(target=blocked_write, args=(i,))
        t.start()
        t.join(timeout=1.0)
        if t.is_alive():
            break
        assert held[i] is True
        acked += 1
    assert t.is_alive(), "the file limit was never reached"
    wait_for(lambda: info_field(n, "persistence", "aof_last_write_status") == "err", 10,
             "the server to notice the failed write")
    with pytest.raises(redis.exceptions.ResponseError, match="MISCONF Errors writing to the AOF"):
        c.set("refused", "1")
    assert c.get("k0") == value.encode()  # reads keep working
    subprocess.run([tool_path("prlimit", "util-linux"), "--pid", str(n.proc.pid), "--fsize=unlimited"], check=True)
    t.join(timeout=10)
    assert not t.is_alive() and held[acked] is True
    deadline = time.time() + 5
    while True:
        try:
            assert c.set("after", "1") is True
            break
        except redis.exceptions.ResponseError:
            assert time.time() < deadline
            time.sleep(0.1)
    n.stop()
    n.preexec_fn = None
    n.start()
    c = n.client()
    for i in range(acked + 1):
        assert c.get("k%d" % i) == value.encode()
    assert c.get("after") == b"1" and c.get("refused") is None


# ---- WAITAOF -------------------------------------------------------------------------------------

def test_waitaof(node_factory):
    n = node_factory("--appendonly", "yes", "--appendfsync", "everysec").start()
    c = n.client()
    c.set("k", "v")
    assert c.execute_command("WAITAOF", 1, 0, 0) == [1, 0]
    assert c.execute_command("WAITAOF", 0, 0, 0) == [1, 0]
    t0 = time.monotonic()
    assert c.execute_command("WAITAOF", 1, 1, 200) == [1, 0]  # no replicas: waits the timeout
    assert time.monotonic() - t0 >= 0.15
    with pytest.raises(redis.exceptions.ResponseError, match="between 0 and 1"):
        c.execute_command("WAITAOF", 2, 0, 0)
    with pytest.raises(redis.exceptions.ResponseError, match="timeout is negative"):
        c.execute_command("WAITAOF", 1, 0, -1)
    off = node_factory().start().client()
    with pytest.raises(redis.exceptions.ResponseError,
                       match="numlocal is set but appendonly is disabled"):
        off.execute_command("WAITAOF", 1, 0, 0)
    assert off.execute_command("WAITAOF", 0, 0, 0) == [0, 0]


# ---- Blocking pops served by later writes ---------------------------------------------------------

def test_served_blocking_pops_replay_to_the_same_keyspace(node_factory):
    """BZPOPMIN, BZMPOP and BLMPOP clients blocked first and served by a later ZADD/RPUSH: the
    log holds the write and then the pop it fed (ZPOPMIN/LPOP key [count]), so the replay ends
    with the same keyspace; an immediate BZPOPMAX is logged as the ZPOPMAX it did."""
    n = node_factory("--appendonly", "yes", "--appendfsync", "always").start()
    c = n.client()
    waiters = []
    for cmd in (["BZPOPMIN", "z", "0"], ["BZMPOP", "0", "2", "none", "z", "MAX", "COUNT", "2"],
                ["BLMPOP", "0", "1", "l", "RIGHT", "COUNT", "2"], ["BZPOPMIN", "z2", "0"]):
        w = n.raw()
        w.send_command(*cmd)
        waiters.append(w)
        wait_blocked(n, len(waiters))
    c.zadd("z", {"a": 1, "b": 2, "c": 3, "d": 4, "e": 5})
    c.rpush("l", "x", "y", "z")
    c.zadd("z2", {"only": 7})
    assert waiters[0].read_bytes() == b"*3\r\n$1\r\nz\r\n$1\r\na\r\n$1\r\n1\r\n"
    assert waiters[1].read_bytes().startswith(b"*2\r\n$1\r\nz\r\n*2\r\n")
    assert waiters[2].read_bytes() == b"*2\r\n$1\r\nl\r\n*2\r\n$1\r\nz\r\n$1\r\ny\r\n"
    assert waiters[3].read_bytes() == b"*3\r\n$2\r\nz2\r\n$4\r\nonly\r\n$1\r\n7\r\n"
    assert waiters[0].call("BZPOPMAX", "z", "0") == b"*3\r\n$1\r\nz\r\n$1\r\nc\r\n$1\r\n3\r\n"
    assert c.zrange("z", 0, -1, withscores=True) == [(b"b", 2.0)]
    assert c.lrange("l", 0, -1) == [b"x"]
    assert c.exists("z2") == 0
    # A waiter in db 1 fed by MOVE from db 0: its pop must replay after the MOVE.
    w = n.raw()
    assert w.call("SELECT", "1") == b"+OK\r\n"
    w.send_command("BZPOPMIN", "moved", "0")
    wait_blocked(n, 1)
    waiters.append(w)
    c.zadd("moved", {"m1": 1, "m2": 2})
    assert c.move("moved", 1)
    assert w.read_bytes() == b"*3\r\n$5\r\nmoved\r\n$2\r\nm1\r\n$1\r\n1\r\n"
    keys = ["z", "l", "z2", "moved"]
    before = snapshot(c, keys)
    assert before[(1, "moved")][1] == [b"m2", b"2"]
    for w in waiters:
        w.close()
    n.restart()
    assert snapshot(n.client(), keys) == before
