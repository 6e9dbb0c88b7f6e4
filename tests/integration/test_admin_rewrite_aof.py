"""Admin RewriteAof on a real node (issue 5): a key overwritten 100,000 times is compacted to one
SET in the new base while a writer keeps going; no acknowledged write is lost across the rewrites
and a restart (graceful under everysec, SIGKILL under always).

Run: /usr/bin/python3 -m pytest tests/integration/test_admin_rewrite_aof.py [--kv-server PATH]
(kvctl from $KVCTL or next to kv-server: build/ctl/kvctl)."""

import os
import socket
import threading
import time

import grpc
import pytest
import redis

from admin_plane import TOKEN, admin_call, admin_pb2, aof_dir_size
from harness import HOST, wait_for

HOT_KEY = b"hot"
OVERWRITES = 100_000
VALUE_SIZE = 100
# One SET of the hot key as logged: *3 $3 SET $3 hot $100 <value>.
HOT_RECORD_BYTES = len(b"*3\r\n$3\r\nSET\r\n$3\r\nhot\r\n$100\r\n\r\n") + VALUE_SIZE
WRITER_MAX_OPS = 60_000
WRITER_MAX_SECONDS = 60


def hot_value(i):
    return (b"v%06d-" % i).ljust(VALUE_SIZE, b"x")


def encode(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


def recv_exact(sock, n):
    chunks = []
    while n > 0:
        chunk = sock.recv(min(n, 1 << 20))
        if not chunk:
            raise AssertionError("server closed the connection")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def overwrite_hot_key(port):
    """100,000 pipelined SETs of one key over a raw socket, in batches, every reply checked."""
    batch = 5_000
    with socket.create_connection((HOST, port), timeout=30) as s:
        for start in range(0, OVERWRITES, batch):
            end = min(OVERWRITES, start + batch)
            s.sendall(b"".join(encode(b"SET", HOT_KEY, hot_value(i)) for i in range(start, end)))
            expect = b"+OK\r\n" * (end - start)
            assert recv_exact(s, len(expect)) == expect
    return hot_value(OVERWRITES - 1)


def parse_aof(data):
    """RESP multibulk records of an AOF file -> list of argv (bytes)."""
    records, pos = [], 0
    while pos < len(data):
        assert data[pos:pos + 1] == b"*", f"not a multibulk record at byte {pos}"
        end = data.index(b"\r\n", pos)
        argc, pos = int(data[pos + 1:end]), end + 2
        argv = []
        for _ in range(argc):
            assert data[pos:pos + 1] == b"$", f"not a bulk string at byte {pos}"
            end = data.index(b"\r\n", pos)
            size, pos = int(data[pos + 1:end]), end + 2
            argv.append(data[pos:pos + size])
            assert data[pos + size:pos + size + 2] == b"\r\n"
            pos += size + 2
        records.append(argv)
    return records


def manifest_files(aof_dir):
    """{type: [file names]} from appendonly.aof.manifest ('b' base, 'i' incr, 'h' history)."""
    files = {}
    with open(os.path.join(aof_dir, "appendonly.aof.manifest")) as f:
        for line in f:
            words = line.split()
            fields = dict(zip(words[0::2], words[1::2]))
            files.setdefault(fields["type"], []).append(fields["file"])
    return files


class Writer(threading.Thread):
    """INCR and SET on other keys, one command at a time; `expected` holds what was acknowledged."""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.port = port
        self.expected = {}
        self.acked = 0
        self.error = None
        self.stop_event = threading.Event()

    def run(self):
        c = redis.Redis(host=HOST, port=self.port, socket_timeout=10)
        deadline = time.monotonic() + WRITER_MAX_SECONDS
        i = 0
        try:
            while (not self.stop_event.is_set() and i < WRITER_MAX_OPS
                   and time.monotonic() < deadline):
                if i % 2 == 0:
                    key = b"ctr:%d" % (i % 37)
                    self.expected[key] = b"%d" % c.incr(key)
                else:
                    key, value = b"w:%d" % (i % 1000), b"val-%d" % i
                    assert c.set(key, value) is True
                    self.expected[key] = value
                i += 1
                self.acked = i
        except Exception as e:  # noqa: BLE001 - reported by the test
            self.error = e
        finally:
            c.close()

    def wait_progress(self, ops, timeout_s=20):
        target = self.acked + ops
        wait_for(lambda: self.acked >= target or self.error is not None or not self.is_alive(),
                 timeout_s, f"{ops} more writer ops")
        assert self.error is None, self.error
        assert self.acked >= target, "writer stopped early"


def check_keyspace(client, expected):
    keys = sorted(expected)
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        got = client.mget(chunk)
        for k, v in zip(chunk, got):
            assert v == expected[k], f"{k!r}: expected {expected[k]!r}, got {v!r}"
    assert client.dbsize() == len(expected)


@pytest.fixture
def admin_node(nodes):
    def make(*args):
        return nodes.unstarted("kv", args=list(args), admin=True, admin_token=TOKEN)
    return make


@pytest.mark.parametrize("fsync,restart", [("everysec", "sigterm"), ("always", "sigkill")])
def test_rewrite_aof_compacts_overwritten_key_while_writes_continue(admin_node, fsync, restart):
    # Automatic rewrites off: every rewrite here is one the admin plane asked for.
    node = admin_node("--appendonly", "yes", "--appendfsync", fsync,
                      "--auto-aof-rewrite-percentage", "0").start()
    aof_dir = node.aof_dir()
    last_hot = overwrite_hot_key(node.port)
    wait_for(lambda: aof_dir_size(aof_dir) >= OVERWRITES * HOT_RECORD_BYTES, 10,
             "the 100,000 SETs to reach the AOF")
    before = aof_dir_size(aof_dir)
    before_files = manifest_files(aof_dir)
    assert node.kvctl_json("persistence")["aof_rewrites"] == 0

    writer = Writer(node.port)
    writer.start()
    try:
        writer.wait_progress(300)
        # 1: kvctl, human output.
        r = node.kvctl("rewrite-aof", "--wait")
        assert r.returncode == 0, r.stderr
        assert r.stdout.startswith("AOF rewrite finished\n"), r.stdout
        writer.wait_progress(300)
        # 2: kvctl --json: the status after the rewrite finished.
        out = node.kvctl_json("rewrite-aof", "--wait")
        assert out["started"] is True and out["waited"] is True
        p = out["persistence"]
        assert p["aof_enabled"] is True
        assert p["aof_rewrite_in_progress"] is False
        assert p["aof_last_bgrewrite_status"] == "ok"
        assert p["aof_last_write_status"] == "ok"
        assert p["aof_rewrites"] == 2
        assert p["appendfsync"] == fsync
        writer.wait_progress(300)
        # 3: the gRPC stub directly.
        pb = admin_pb2()
        resp = admin_call(node, "RewriteAof", pb.RewriteAofRequest(wait=True))
        assert resp.persistence.aof_rewrites == 3
        assert resp.persistence.aof_last_bgrewrite_status == "ok"
        assert not resp.persistence.aof_rewrite_in_progress
        # Without a token the RPC is refused and starts nothing.
        with pytest.raises(grpc.RpcError) as refused:
            node.grpc_channel().unary_unary("/kvcache.v1.Admin/RewriteAof")(b"", timeout=10)
        assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED
        writer.wait_progress(300)
    finally:
        writer.stop_event.set()
        writer.join(timeout=30)
    assert not writer.is_alive()
    assert writer.error is None, writer.error

    expected = dict(writer.expected)
    expected[HOT_KEY] = last_hot
    c = node.client()
    check_keyspace(c, expected)
    assert node.kvctl_json("persistence")["aof_rewrites"] == 3

    # The new base holds the hot key once, with its last value, and no key twice.
    files = manifest_files(aof_dir)
    assert files["b"] != before_files.get("b")
    with open(os.path.join(aof_dir, files["b"][0]), "rb") as f:
        base = parse_aof(f.read())
    hot_records = [argv for argv in base if len(argv) > 1 and argv[1] == HOT_KEY]
    assert hot_records == [[b"SET", HOT_KEY, last_hot]]
    base_keys = [argv[1] for argv in base if argv[0].upper() != b"SELECT"]
    assert len(base_keys) == len(set(base_keys))
    after = aof_dir_size(aof_dir)
    assert after < before // 10, f"AOF {before} bytes before the rewrites, {after} after"
    print(f"\nAOF {before} bytes before, {after} after; writer acknowledged {writer.acked} ops")

    c.close()
    if restart == "sigkill":
        node.kill()  # appendfsync always: every acknowledged write was fsynced before its reply
        node.start()
    else:
        node.restart()
    c = node.client()
    check_keyspace(c, expected)
    c.close()
