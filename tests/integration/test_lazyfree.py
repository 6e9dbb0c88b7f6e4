"""Background freeing (issue 15): UNLINK, FLUSHALL/FLUSHDB ASYNC and the lazyfree-lazy-* keys hand
big values to the freeing thread (INFO lazyfreed_objects counts them), small ones are freed inline
as in Redis (LAZYFREE_THRESHOLD 64 elements), and the keyspace is the same as with DEL/FLUSHALL.

Run: /usr/bin/python3 -m pytest -q tests/integration/test_lazyfree.py [--kv-server PATH]
"""

import time

import pytest
import redis



@pytest.fixture
def r(node):
    return node.client()


def freed(r):
    return int(r.info("stats")["lazyfreed_objects"])


def wait_drained(r):
    deadline = time.monotonic() + 30
    while int(r.info("memory")["lazyfree_pending_objects"]) != 0:
        assert time.monotonic() < deadline, "the background freer did not drain"
        time.sleep(0.01)


def big_hash(r, key, n=10000):
    r.hset(key, mapping={f"f{i}": "v" for i in range(n)})


def test_unlink_frees_big_values_in_the_background_and_small_ones_inline(r):
    big_hash(r, "big")
    r.sadd("small", *range(10))
    r.set("str", "x" * 100000)
    assert r.unlink("big", "small", "str", "missing") == 3
    assert r.exists("big", "small", "str") == 0
    wait_drained(r)
    assert freed(r) == 1  # only the 10000-field hash went to the freer


def test_del_follows_lazyfree_lazy_user_del(r):
    big_hash(r, "a")
    assert r.delete("a") == 1
    assert freed(r) == 0
    r.config_set("lazyfree-lazy-user-del", "yes")
    big_hash(r, "b")
    assert r.delete("b") == 1
    wait_drained(r)
    assert freed(r) == 1


@pytest.mark.parametrize("cmd", [["FLUSHALL", "ASYNC"], ["FLUSHDB", "ASYNC"]])
def test_flush_async_empties_at_once_and_frees_in_the_background(r, cmd):
    for i in range(5):
        big_hash(r, f"h{i}", 2000)
    assert r.execute_command(*cmd) is True
    assert r.dbsize() == 0
    wait_drained(r)
    assert freed(r) == 1  # the tables' contents, handed over as one object
    r.set("after", "1")  # the emptied tables take new keys
    assert r.get("after") == b"1"


def test_flushall_follows_lazyfree_lazy_user_flush_and_sync_overrides(r):
    big_hash(r, "x")
    r.config_set("lazyfree-lazy-user-flush", "yes")
    assert r.execute_command("FLUSHALL", "SYNC") is True
    assert freed(r) == 0
    big_hash(r, "y")
    assert r.execute_command("FLUSHALL") is True
    wait_drained(r)
    assert freed(r) == 1
    with pytest.raises(redis.ResponseError, match="syntax error"):
        r.execute_command("FLUSHALL", "LATER")


def test_lazyfree_keys_are_config_keys(r):
    for key in ["lazyfree-lazy-eviction", "lazyfree-lazy-expire", "lazyfree-lazy-server-del",
                "lazyfree-lazy-user-del", "lazyfree-lazy-user-flush"]:
        assert r.config_get(key) == {key: "no"}
        r.config_set(key, "yes")
        assert r.config_get(key) == {key: "yes"}
