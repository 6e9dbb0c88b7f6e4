"""kvctl against a real kv-server: admin figures agree with what RESP clients did and see.

Each test starts kv-server on free loopback ports with its own data dir; the admin token comes
from KVCACHE_ADMIN_TOKEN, as an operator would pass it.
"""
import json
import os
import socket
import subprocess
import time

import pytest
import redis

KV_SERVER = os.environ["KV_SERVER"]
KVCTL = os.environ["KVCTL"]
TOKEN = "node-test-token"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Node:
    def __init__(self, data_dir, admin_port=None):
        self.dir = data_dir
        self.port = free_port()
        self.admin_port = admin_port or free_port()
        env = dict(os.environ, KVCACHE_ADMIN_TOKEN=TOKEN)
        self.proc = subprocess.Popen(
            [KV_SERVER, "--port", str(self.port), "--admin-port", str(self.admin_port),
             "--admin-bind", "127.0.0.1", "--dir", str(data_dir)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.client = redis.Redis(port=self.port, socket_timeout=5)
        deadline = time.monotonic() + 10
        while True:
            try:
                self.client.ping()
                break
            except redis.ConnectionError:
                assert self.proc.poll() is None, "kv-server exited during start-up"
                assert time.monotonic() < deadline, "kv-server did not start"
                time.sleep(0.05)

    def kvctl(self, *args, token=TOKEN):
        cmd = [KVCTL, "--addr", f"127.0.0.1:{self.admin_port}", "--timeout", "5"]
        if token is not None:
            cmd += ["--token", token]
        return subprocess.run(cmd + list(args), capture_output=True, text=True, timeout=30)

    def kvctl_json(self, *args):
        r = self.kvctl("--json", *args)
        assert r.returncode == 0, r.stderr
        return json.loads(r.stdout)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


@pytest.fixture
def node(tmp_path):
    n = Node(tmp_path)
    yield n
    n.stop()


def test_info_and_stats_match_resp_activity(node):
    for i in range(25):
        node.client.set(f"k{i}", "v")
    assert node.client.get("k0") == b"v"
    assert node.client.get("missing") is None

    info = node.kvctl_json("info")
    assert info["resp_address"].endswith(f":{node.port}")
    assert info["admin_address"] == f"127.0.0.1:{node.admin_port}"
    assert info["process_id"] == node.proc.pid
    assert info["role"] == "master"
    assert len(info["node_id"]) == 40
    assert info["connected_clients"] >= 1
    assert info["used_memory_rss_bytes"] > 0
    dbs = {d["db"]: d for d in info["keyspace"]}
    assert dbs[0]["keys"] == node.client.dbsize() == 25

    stats = node.kvctl_json("stats")
    calls = {c["name"]: c for c in stats["commands"]}
    assert calls["set"]["calls"] == 25
    assert calls["get"]["calls"] == 2
    assert stats["keyspace"]["hits"] >= 1
    assert stats["keyspace"]["misses"] >= 1
    top = node.kvctl_json("stats", "--top", "1")
    assert [c["name"] for c in top["commands"]] == ["set"]

    human = node.kvctl("info")
    assert human.returncode == 0 and "db0" in human.stdout


def test_config_through_the_same_table(node):
    assert node.kvctl_json("config", "set", "maxclients", "42") == {
        "name": "maxclients", "value": "42"}
    assert node.kvctl_json("config", "get", "maxcl*") == {"maxclients": "42"}
    bad = node.kvctl("config", "set", "maxclients", "lots")
    assert bad.returncode == 1
    assert "INVALID_ARGUMENT" in bad.stderr and "maxclients" in bad.stderr
    immutable = node.kvctl("config", "set", "port", "1")
    assert immutable.returncode == 1 and "immutable" in immutable.stderr


def test_auth_persistence_health(node):
    r = node.kvctl("info", token=None)
    assert r.returncode == 1 and "UNAUTHENTICATED" in r.stderr
    assert node.kvctl("info", token="wrong").returncode == 1
    assert node.kvctl_json("persistence")["aof_enabled"] is False
    rw = node.kvctl("rewrite-aof")
    assert rw.returncode == 1
    assert "FAILED_PRECONDITION: appendonly is off" in rw.stderr
    assert node.kvctl_json("health") == {"status": "SERVING"}


def test_shutdown_and_stable_node_id(tmp_path):
    first = Node(tmp_path)
    try:
        node_id = first.kvctl_json("info")["node_id"]
        assert first.kvctl_json("shutdown") == {"shutdown": True}
        assert first.proc.wait(timeout=10) == 0
    finally:
        first.stop()
    second = Node(tmp_path)
    try:
        assert second.kvctl_json("info")["node_id"] == node_id
    finally:
        second.stop()


def test_taken_admin_port_is_not_shared_and_not_fatal(tmp_path):
    """A second node on a taken admin port serves RESP without an admin plane; kvctl keeps
    reaching the first node (no SO_REUSEPORT sharing)."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = Node(tmp_path / "a")
    try:
        second = Node(tmp_path / "b", admin_port=first.admin_port)
        try:
            assert second.client.ping()
            first_id = (tmp_path / "a" / "node-id").read_text().strip()
            for _ in range(5):
                assert first.kvctl_json("info")["node_id"] == first_id
        finally:
            second.stop()
    finally:
        first.stop()
