"""Issue #16, Lua scripting with real clients and the AOF: redis-py's Lock (Lua under the hood)
and register_script (EVALSHA, then EVAL on NOSCRIPT), scripts that are atomic against concurrent
clients, and effects replication: the AOF holds what a script ran, never the script."""

import glob
import os
import threading

import pytest
import redis


def test_redis_py_lock(nodes):
    c = nodes.one().client()
    lock = c.lock("resource", timeout=10, blocking_timeout=0)
    assert lock.acquire()
    other = c.lock("resource", timeout=10, blocking_timeout=0)
    assert not other.acquire(), "a held lock is not granted twice"
    assert lock.extend(5)  # LUA_EXTEND_SCRIPT
    assert 10_000 < c.pttl("resource") <= 15_000
    assert lock.reacquire()  # LUA_REACQUIRE_SCRIPT
    lock.release()  # LUA_RELEASE_SCRIPT
    assert c.get("resource") is None
    assert other.acquire()
    c.set("resource", "someone else")  # the lock expired and another owner took the key
    with pytest.raises(redis.exceptions.LockNotOwnedError):
        other.release()
    assert c.get("resource") == b"someone else"


def test_register_script_falls_back_to_eval_after_flush(nodes):
    c = nodes.one().client()
    incr_by = c.register_script("return redis.call('incrby', KEYS[1], ARGV[1])")
    assert incr_by(keys=["n"], args=[5]) == 5
    c.script_flush()
    assert incr_by(keys=["n"], args=[2]) == 7  # NOSCRIPT, then EVAL
    assert c.script_exists(incr_by.sha) == [True]


def test_scripts_are_atomic_against_other_clients(nodes):
    node = nodes.one(io_threads=2)
    # Read-modify-write in Lua: without atomicity concurrent scripts would lose updates.
    script = "local v = tonumber(redis.call('get', KEYS[1]) or '0'); " \
             "redis.call('set', KEYS[1], v + 1); return v + 1"
    undeclared = "local v = tonumber(redis.call('get', 'u') or '0'); " \
                 "redis.call('set', 'u', v + 1); return v + 1"
    per_thread = 300

    def worker():
        c = node.client()
        for _ in range(per_thread):
            c.eval(script, 1, "counter")
            c.eval(undeclared, 0)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    c = node.client()
    assert c.get("counter") == str(4 * per_thread).encode()
    assert c.get("u") == str(4 * per_thread).encode()


def aof_text(node):
    out = b""
    for path in sorted(glob.glob(os.path.join(node.aof_dir(), "*.aof"))):
        with open(path, "rb") as f:
            out += f.read()
    return out


def test_aof_logs_script_effects_not_the_script(nodes):
    node = nodes.one(appendonly="yes", appendfsync="always")
    c = node.client()
    # A script whose result depends on when it runs: replaying it would not give the same data.
    c.eval("redis.call('set', KEYS[1], ARGV[1]); redis.call('rpush', KEYS[2], 'a', 'b'); "
           "redis.call('incrby', 'plain', 3); redis.call('select', 3); "
           "redis.call('set', 'indb3', 'x'); return 1", 2, "k", "l", "v")
    sha = c.script_load("return redis.call('hset', KEYS[1], 'f', ARGV[1])")
    c.evalsha(sha, 1, "h", "hv")
    c.eval("return redis.call('get', 'k')", 0)  # read-only: nothing to log
    text = aof_text(node)
    assert b"eval" not in text.lower() and b"redis.call" not in text
    assert b"rpush" in text.lower() and b"hset" in text.lower()
    node.restart()
    c = node.client()
    assert c.get("k") == b"v"
    assert c.lrange("l", 0, -1) == [b"a", b"b"]
    assert c.get("plain") == b"3"
    assert c.hget("h", "f") == b"hv"
    c.execute_command("SELECT", 3)
    assert c.get("indb3") == b"x"
    c.execute_command("SELECT", 0)
    assert c.get("indb3") is None
