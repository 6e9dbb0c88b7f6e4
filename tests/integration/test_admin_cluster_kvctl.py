"""kvctl against a cluster of real kv-server processes on loopback (issue #11): status, nodes,
ring, where, seeds and --all as an operator runs them, a degraded cluster (exit 1) and a partial
--all (exit 4) with a frozen member, and a ring change refused with the node's own message. The
table layouts and every exit code are covered in-process by admin_cluster_kvctl_test."""

import json
import subprocess

import pytest

from harness import HOST, free_port, kvctl_path, start_cluster, wait_for

KEYSLOT_VECTORS = {"123456789": 12739, "{user1000}.following": 3443}


@pytest.fixture
def cluster3():
    nodes = start_cluster(3, vnodes=128)
    yield nodes
    for n in nodes:
        if getattr(n, "paused", False):
            n.resume()
        n.cleanup()


def test_status_nodes_ring_where_and_all(cluster3):
    a = cluster3[0]
    status = a.kvctl_json("status")
    assert status["degraded"] is False, status["problems"]
    members = status["members"]
    assert len(members) == 3
    assert all(m["answered"] and m["epoch"] == status["epoch"] for m in members), members
    assert all(m["digest"] == status["digest"] for m in members), members
    assert sum(m["slots"] for m in members) == 16384
    assert sorted(m["admin_address"] for m in members) == sorted(
        f"{HOST}:{n.admin_port}" for n in cluster3)

    nodes = a.kvctl_json("nodes")
    assert [m["node_id"] for m in nodes["members"]] == [m["node_id"] for m in members]
    ring = a.kvctl_json("ring", "--slots")
    assert ring["epoch"] == status["epoch"]
    assert sum(s["slots"] for s in ring["shares"]) == 16384
    assert sum(r["last"] - r["first"] + 1 for r in ring["ranges"]) == 16384

    for key, slot in KEYSLOT_VECTORS.items():
        where = a.kvctl_json("where", key)
        assert where["slot"] == slot
        owner = next(n for n in cluster3 if where["resp_address"] == f"{HOST}:{n.port}")
        assert owner.redis.execute_command("CLUSTER", "KEYSLOT", key) == slot

    info = a.kvctl_json("info", "--all")
    assert sorted(e["node"]["node_id"] for e in info["nodes"]) == sorted(
        m["node_id"] for m in members)
    assert a.kvctl("status").returncode == 0


def test_seeds_skip_a_dead_address(cluster3):
    dead = f"{HOST}:{free_port()}"
    b = cluster3[1]
    r = b.kvctl("--json", "status")  # through b alone first: the reference answer
    assert r.returncode == 0, r.stderr
    via_seeds = subprocess.run(
        [kvctl_path(), "--addr", f"{dead},{HOST}:{b.admin_port}", "--token", b.admin_token,
         "--json", "status"], capture_output=True, text=True, timeout=60)
    assert via_seeds.returncode == 0, via_seeds.stderr
    assert json.loads(via_seeds.stdout)["node_id"] == json.loads(r.stdout)["node_id"]


def test_frozen_member_degrades_status_and_all_is_partial(cluster3):
    a, frozen = cluster3[0], cluster3[2]
    frozen.pause()
    try:
        def degraded():
            return a.kvctl("status", timeout_s=2).returncode == 1
        wait_for(degraded, 15.0, "kvctl status to report the frozen member")
        r = a.kvctl("--json", "status", timeout_s=2)
        doc = json.loads(r.stdout)
        assert doc["degraded"] is True
        down = next(m for m in doc["members"] if m["admin_address"] == f"{HOST}:{frozen.admin_port}")
        assert down["answered"] is False
        partial = a.kvctl("info", "--all", timeout_s=2)
        assert partial.returncode == 4, partial.stderr
        # A stopped process still completes TCP handshakes in the kernel: the call times out.
        assert (f"{HOST}:{frozen.admin_port}: DEADLINE_EXCEEDED" in partial.stderr
                or f"{HOST}:{frozen.admin_port}: UNAVAILABLE" in partial.stderr), partial.stderr
    finally:
        frozen.resume()
    wait_for(lambda: a.kvctl("status", timeout_s=2).returncode == 0, 15.0, "status healthy again")


def test_ring_change_refused_with_the_nodes_message(cluster3):
    a = cluster3[0]
    epoch = a.kvctl_json("status")["epoch"]
    some_member = f"{HOST}:{cluster3[1].admin_port}"
    r = a.kvctl("ring", "apply", "--remove", some_member, "--if-epoch", str(epoch + 5))
    assert r.returncode == 1, r.stderr
    assert r.stderr == (f"kvctl: {HOST}:{a.admin_port}: FAILED_PRECONDITION: "
                        f"ring is at epoch {epoch}\n")
    assert a.kvctl_json("status")["epoch"] == epoch
