"""The AOF loader against damaged files, through the real binary (run under ASan/UBSan in CI): an
AOF written by kv-server itself is the seed; each case truncates it, flips or inserts bytes, or
breaks a length, then starts a node on it. The node must either serve (a truncated tail cut back
under aof-load-truncated yes) or exit with status 1 and a message naming the file; never die on
a signal, hang, or leave a sanitizer report (the harness scans every run's log)."""

import os
import random
import shutil

import pytest

from harness import Node

CASES = 40
SEED = 1919


@pytest.fixture(scope="module")
def seed_dir(tmp_path_factory):
    """An AOF directory written by kv-server: every type, expiries, several databases."""
    node = Node("kv", config={"appendonly": "yes", "appendfsync": "always"}).start()
    c = node.client()
    for i in range(30):
        c.set(f"s{i}", "v" * i, ex=10000 if i % 3 == 0 else None)
        c.rpush(f"l{i % 5}", i, "x")
        c.hset(f"h{i % 4}", f"f{i}", i)
        c.sadd(f"t{i % 3}", i)
        c.zadd(f"z{i % 3}", {f"m{i}": i / 3})
        c.incr("counter")
    c.execute_command("SELECT", 3)
    c.set("in3", "yes")
    node.stop()
    out = tmp_path_factory.mktemp("aof-seed")
    shutil.copytree(node.aof_dir(), out / "appendonlydir")
    node.cleanup()
    return out


def mutate(data, r):
    data = bytearray(data)
    how = r.choice(["truncate", "flip", "insert", "length", "delete", "duplicate"])
    pos = r.randrange(len(data))
    if how == "truncate":
        del data[pos:]
    elif how == "flip":
        for _ in range(r.randint(1, 4)):
            data[r.randrange(len(data))] ^= 1 << r.randrange(8)
    elif how == "insert":
        data[pos:pos] = r.choice([b"\r\n", b"*", b"$-1\r\n", b"*99999999999\r\n", b"\x00" * 7])
    elif how == "length":
        digits = [i for i in range(len(data) - 1) if data[i:i + 1] in (b"$", b"*")]
        i = r.choice(digits) + 1
        data[i:i + 1] = r.choice([b"9", b"0", b"-", b"99999999"])
    elif how == "delete":
        del data[pos:pos + r.randint(1, 20)]
    else:
        end = min(len(data), pos + r.randint(1, 200))
        data[end:end] = data[pos:end]
    return bytes(data), how


@pytest.mark.parametrize("case", range(CASES))
def test_damaged_aof_is_refused_or_loaded(seed_dir, tmp_path, case):
    r = random.Random(SEED * 1000 + case)
    shutil.copytree(seed_dir / "appendonlydir", tmp_path / "appendonlydir")
    files = sorted(f for f in os.listdir(tmp_path / "appendonlydir") if f.endswith(".aof"))
    victim = tmp_path / "appendonlydir" / r.choice(files)
    damaged, how = mutate(victim.read_bytes(), r)
    victim.write_bytes(damaged)
    truncated_ok = r.choice(["yes", "no"])
    node = Node("kv", config={"appendonly": "yes", "aof_load_truncated": truncated_ok},
                directory=tmp_path)
    try:
        code = node.start_or_exit()
        if code is None:
            assert isinstance(node.client().dbsize(), int)
            node.stop()
        else:
            assert code == 1, f"{how} of {victim.name}: exit status {code}\n{node.log_tail()}"
            assert "append" in node.log().lower(), node.log_tail()
    finally:
        node.cleanup(check=False)
