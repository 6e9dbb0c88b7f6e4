"""HyperLogLog property test: random elements go to redis-server and kv-server alike, and after
every batch the HLL's bytes (GET), PFCOUNT and PFDEBUG ENCODING must be identical: kv-server keeps
Redis's exact representation (sparse opcodes, sparse -> dense promotion, cached cardinality).

Seeded, so a failure names the seed that reproduces it: KV_HLL_SEED=<n> to rerun one.
"""

import os
import random

import pytest

SEEDS = [int(os.environ["KV_HLL_SEED"])] if "KV_HLL_SEED" in os.environ else [1, 2, 3]


def _element(rng):
    kind = rng.randrange(4)
    if kind == 0:
        return str(rng.randrange(10**6)).encode()
    if kind == 1:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(0, 40)))
    if kind == 2:
        return b"user:%d" % rng.randrange(10**9)
    return rng.randbytes(8)


def _state(client, key):
    return (client.get(key), client.pfcount(key), client.execute_command("PFDEBUG", "ENCODING", key))


@pytest.mark.parametrize("seed", SEEDS)
def test_random_pfadd_matches_redis_byte_for_byte(redis_server, kv_server, seed):
    rng = random.Random(seed)
    r, k = redis_server.client(), kv_server.client()
    for c in (r, k):
        c.flushall()
    key = f"hll:{seed}"
    # Small batches first (the sparse encoding and its opcode splits/merges), then large ones up
    # to ~20k elements (promotion to dense at hll-sparse-max-bytes and dense counting).
    total = 0
    while total < 20000:
        batch = [_element(rng) for _ in range(rng.randrange(1, 8 if total < 600 else 2000))]
        total += len(batch)
        assert k.pfadd(key, *batch) == r.pfadd(key, *batch), (seed, total)
        if rng.random() < 0.5 or total >= 20000:
            assert _state(k, key) == _state(r, key), (seed, total)


@pytest.mark.parametrize("seed", SEEDS)
def test_union_and_merge_match_redis(redis_server, kv_server, seed):
    rng = random.Random(seed * 1000 + 7)
    r, k = redis_server.client(), kv_server.client()
    for c in (r, k):
        c.flushall()
    sizes = [rng.randrange(0, 50), rng.randrange(50, 3000), rng.randrange(3000, 9000)]
    keys = [f"{{h}}:{i}" for i in range(len(sizes))]
    for key, n in zip(keys, sizes):
        elems = [_element(rng) for _ in range(n)] or [b"x"]
        for c in (r, k):
            c.pfadd(key, *elems)
    for combo in (keys[:2], keys[1:], keys, [keys[0], "{h}:missing"]):
        assert k.pfcount(*combo) == r.pfcount(*combo), combo
    for dest, srcs in (("{h}:m1", keys[:2]), ("{h}:m2", keys), (keys[0], keys[1:2])):
        for c in (r, k):
            c.pfmerge(dest, *srcs)
        assert _state(k, dest) == _state(r, dest), (dest, srcs)
