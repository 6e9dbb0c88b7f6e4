"""A kvcache cluster of real kv-server processes on loopback (issue #11): nodes join one ring and
agree on it, cluster-aware clients follow MOVED, a killed or frozen member's slots answer
CLUSTERDOWN while the rest keep serving, a member that missed a change catches up, and the peer
plane refuses a wrong secret."""

import os
import subprocess
import time

import pytest

import harness
from harness import HOST, Node, cluster_info, start_cluster, wait_for

# Redis's published CRC16 vector and KeySlot rules, checked end to end through CLUSTER KEYSLOT.
KEYSLOT_VECTORS = {"123456789": 12739, "{user1000}.following": 3443, "foo{}{bar}": 8363,
                   "foo{{bar}}zap": 4015, "foo{bar}{zap}": 5061}


@pytest.fixture
def cluster3():
    nodes = start_cluster(3, vnodes=128)
    yield nodes
    for n in nodes:
        n.cleanup()


def owner_of(nodes, key):
    """The node that owns `key`, from KVCACHE WHERE asked of node 0."""
    where = nodes[0].redis.execute_command("KVCACHE", "WHERE", key)
    fields = dict(zip(where[::2], where[1::2]))
    addr = fields[b"address"].decode()
    return next(n for n in nodes if f"{HOST}:{n.port}" == addr)


def key_owned_by(nodes, node, prefix="k"):
    for i in range(10000):
        key = f"{prefix}{i}"
        if owner_of(nodes, key) is node:
            return key
    raise AssertionError(f"no key owned by {node}")


def test_three_nodes_agree_on_one_ring(cluster3):
    infos = [cluster_info(n) for n in cluster3]
    assert len({i["cluster_current_epoch"] for i in infos}) == 1
    slots = cluster3[1].redis.execute_command("CLUSTER", "SLOTS")
    covered = sum(end - start + 1 for start, end, *_ in slots)
    assert covered == 16384
    per_node = {}
    for start, end, (host, port, node_id, *_rest) in slots:
        per_node[port] = per_node.get(port, 0) + end - start + 1
    assert sorted(per_node) == sorted(n.port for n in cluster3)
    for count in per_node.values():
        assert 0.20 * 16384 <= count <= 0.47 * 16384
    # Every node tells the same story: same digest of the agreed state through the admin plane's
    # health of INFO, and CLUSTER NODES lists three masters with one myself each.
    for n in cluster3:
        lines = n.redis.execute_command("CLUSTER", "NODES")
        text = lines.decode() if isinstance(lines, bytes) else lines
        assert len(text.strip().splitlines()) == 3
        assert text.count("myself") == 1
        assert n.redis.info("cluster")["cluster_enabled"] == 1
    for key, slot in KEYSLOT_VECTORS.items():
        assert cluster3[0].redis.execute_command("CLUSTER", "KEYSLOT", key) == slot


def test_moved_crossslot_and_redis_cli_follows(cluster3):
    a, b = cluster3[0], cluster3[1]
    key = key_owned_by(cluster3, b)
    slot = a.redis.execute_command("CLUSTER", "KEYSLOT", key)
    with a.raw() as c:
        reply = c.cmd("SET", key, "v")
    assert reply == f"MOVED {slot} {HOST}:{b.port}".encode()
    # Keys in different slots: CROSSSLOT; the same hash tag: one slot, served by its owner.
    with a.raw() as c:
        err = c.cmd("MSET", "a", "1", "b", "2")
    assert err == b"CROSSSLOT Keys in request don't hash to the same slot"
    out = subprocess.run(["redis-cli", "-c", "-p", str(a.port), "SET", key, "hello"],
                         capture_output=True, text=True, timeout=30)
    assert out.stdout.strip() == "OK", out
    assert b.redis.get(key) == b"hello"
    out = subprocess.run(["redis-cli", "-c", "-p", str(cluster3[2].port), "GET", key],
                         capture_output=True, text=True, timeout=30)
    assert out.stdout.strip() == "hello"


def test_slot_queries_inside_multi_exec(cluster3):
    # EXEC holds every shard lock; the slot scans must not take them again (a self-deadlock).
    node = cluster3[0]
    key = key_owned_by(cluster3, node)
    node.redis.set(key, "v")
    slot = node.redis.execute_command("CLUSTER", "KEYSLOT", key)
    with node.raw() as c:
        assert c.cmd("MULTI") == b"OK"
        c.cmd("CLUSTER", "COUNTKEYSINSLOT", str(slot))
        c.cmd("CLUSTER", "GETKEYSINSLOT", str(slot), "10")
        assert c.cmd("EXEC") == [1, [key.encode()]]


def test_redis_py_cluster_client(cluster3):
    from redis.cluster import RedisCluster
    rc = RedisCluster(host=HOST, port=cluster3[2].port, socket_timeout=10)
    try:
        for i in range(3000):
            rc.set(f"key:{i}", i)
        for i in range(3000):
            assert rc.get(f"key:{i}") == str(i).encode()
    finally:
        rc.close()
    # The keys landed on their owners: every node holds some and no node holds all.
    counts = [n.redis.dbsize() for n in cluster3]
    assert sum(counts) == 3000 and all(0 < c < 3000 for c in counts), counts


def clusterdown_within(node, key, timeout_s):
    start = time.monotonic()

    def down():
        with node.raw() as c:
            r = c.cmd("GET", key)
        return r == b"CLUSTERDOWN Hash slot not served"

    wait_for(down, timeout_s, f"CLUSTERDOWN for {key}")
    return time.monotonic() - start


@pytest.mark.parametrize("fault", ["kill", "pause"])
def test_dead_or_frozen_member_slots_go_down_others_served(cluster3, fault):
    a, b, c = cluster3
    victim_key = key_owned_by(cluster3, c)
    live_key = key_owned_by(cluster3, b)
    b.redis.set(live_key, "still-here")
    if fault == "kill":
        c.kill()
    else:
        c.pause()
    elapsed = clusterdown_within(a, victim_key, 5.0)
    assert elapsed < 1.5, f"CLUSTERDOWN took {elapsed:.2f}s"
    assert b.redis.get(live_key) == b"still-here"
    with a.raw() as conn:
        assert conn.cmd("GET", live_key).startswith(b"MOVED ")
    if fault == "kill":
        c.restart()
    else:
        c.resume()

    def served():
        with a.raw() as conn:
            r = conn.cmd("GET", victim_key)
        return isinstance(r, bytes) and r.startswith(b"MOVED ")

    wait_for(served, 10.0, "the member's slots served again")


def test_member_that_missed_a_change_catches_up():
    # One vnode per member: a joiner takes one arc of the ring, from one member. The join must not
    # need the frozen member's key counts (it would be refused, rightly), so joiners are tried until
    # one's arc belongs to a live member: two of three members still make a majority.
    nodes = start_cluster(3, vnodes=1)
    joiner = None
    try:
        # Freeze the member with the smallest arc: each joiner then needs it with probability at
        # most 1/3 (one vnode each makes arcs very unequal).
        share = {n.port: 0 for n in nodes}
        for start, end, (_host, port, *_rest) in nodes[0].redis.execute_command("CLUSTER", "SLOTS"):
            share[port] += end - start + 1
        frozen = min(nodes, key=lambda n: share[n.port])
        frozen.pause()
        live = next(n for n in nodes if n is not frozen)
        before = cluster_info(live)["cluster_current_epoch"]
        for attempt in range(12):
            joiner = Node("kv", config=dict(cluster_enabled="yes", cluster_vnodes=1,
                                            cluster_secret="cluster-test-secret",
                                            cluster_join=f"{HOST}:{live.admin_port}"),
                          admin=True, admin_token="cluster-test-admin-token", name="node3").start()
            try:
                wait_for(lambda: cluster_info(joiner).get("cluster_known_nodes") == "4", 6,
                         "the fourth node to join")
                break
            except AssertionError:
                assert "cannot count the keys of moving slots" in joiner.log()
                joiner.cleanup(check=False)
                joiner = None
        assert joiner is not None, "no joiner took its slots from a live member in 12 tries"
        epoch = cluster_info(live)["cluster_current_epoch"]
        assert int(epoch) > int(before)
        frozen.resume()
        wait_for(lambda: cluster_info(frozen).get("cluster_current_epoch") == epoch, 10,
                 "the frozen member to catch up")
        wait_for(lambda: all(cluster_info(n).get("cluster_state") == "ok"
                             for n in nodes + [joiner]), 10, "every member ok")
    finally:
        for n in nodes + ([joiner] if joiner else []):
            n.cleanup()


def test_wrong_or_missing_secret_is_refused(cluster3):
    for secret in ("not-the-secret", None):
        config = dict(cluster_enabled="yes", cluster_join=f"{HOST}:{cluster3[0].admin_port}")
        if secret:
            config["cluster_secret"] = secret
        stranger = Node("kv", config=config, admin=True, admin_token="t", name="stranger").start()
        try:
            wait_for(lambda: "UNAUTHENTICATED" in stranger.log() or "secret" in stranger.log(),
                     10, "the join to be refused")
            assert cluster_info(cluster3[0])["cluster_known_nodes"] == "3"
        finally:
            stranger.cleanup(check=False)


def test_cluster_mode_config_errors_exit_1():
    # A wildcard bind without an announce address, and no secret on a non-loopback announce.
    for config in (dict(cluster_enabled="yes", cluster_announce_ip="10.1.2.3"),):
        node = Node("kv", config=config, admin=True, admin_token="t")
        rc = node.start_expecting_exit()
        assert rc == 1
        assert "cluster-secret" in node.log()
        node.cleanup(check=False)


def test_taken_admin_port_is_fatal_in_cluster_mode():
    # A standalone node carries on without its admin plane; a member cannot: its peer plane is there.
    import socket
    with socket.socket() as holder:
        holder.bind((HOST, 0))
        holder.listen()
        node = Node("kv", config=dict(cluster_enabled="yes"), admin=True, admin_token="t",
                    admin_port=holder.getsockname()[1])
        assert node.start_expecting_exit() == 1
        assert "admin" in node.log()
        node.cleanup(check=False)


def make_certs(directory):
    """A CA and one node certificate for 127.0.0.1, made with openssl as an operator would."""
    ca_key, ca_crt = os.path.join(directory, "ca.key"), os.path.join(directory, "ca.pem")
    key, csr, crt = (os.path.join(directory, n) for n in ("node.key", "node.csr", "node.pem"))
    ext = os.path.join(directory, "san.ext")
    with open(ext, "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    run = lambda *a: subprocess.run(a, check=True, capture_output=True, timeout=60)
    run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key, "-out",
        ca_crt, "-days", "2", "-subj", "/CN=kvcache-test-ca")
    run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj",
        "/CN=127.0.0.1")
    run("openssl", "x509", "-req", "-in", csr, "-CA", ca_crt, "-CAkey", ca_key, "-CAcreateserial",
        "-out", crt, "-days", "2", "-extfile", ext)
    return ca_crt, crt, key


def test_peers_talk_mutual_tls(tmp_path):
    ca, crt, key = make_certs(str(tmp_path))
    tls = dict(admin_tls_cert_file=crt, admin_tls_key_file=key, admin_tls_ca_cert_file=ca)
    nodes = start_cluster(3, **tls)
    try:
        assert "mutual TLS" in nodes[0].log()
        key_ = key_owned_by(nodes, nodes[2])
        with nodes[0].raw() as c:
            assert c.cmd("SET", key_, "v").startswith(b"MOVED ")
    finally:
        for n in nodes:
            n.cleanup()



def test_two_guarded_ring_changes_at_once_exactly_one_wins(cluster3):
    # Two operators, two nodes to add, both `ring apply --if-epoch N` sent at once to different
    # members: the agreement commits one of them; the other is told the ring moved.
    candidates = [Node("kv", config=dict(cluster_enabled="yes",
                                         cluster_secret="cluster-test-secret"),
                       admin=True, admin_token="cluster-test-admin-token", name=f"cand{i}").start()
                  for i in range(2)]
    try:
        epoch = int(cluster_info(cluster3[0])["cluster_current_epoch"])
        procs = []
        for member, cand in zip(cluster3[:2], candidates):
            cmd = [harness.kvctl_path(), "--addr", f"{HOST}:{member.admin_port}", "--token",
                   "cluster-test-admin-token", "--timeout", "20", "ring", "apply", "--add",
                   f"{HOST}:{cand.admin_port}", "--if-epoch", str(epoch)]
            procs.append(subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                          text=True))
        results = [(p.wait(timeout=60), p.stdout.read(), p.stderr.read()) for p in procs]
        codes = sorted(rc for rc, _, _ in results)
        assert codes == [0, 1], results
        loser = next(err for rc, _, err in results if rc == 1)
        assert f"FAILED_PRECONDITION: ring is at epoch {epoch + 1}" in loser, results
        wait_for(lambda: all(cluster_info(n).get("cluster_current_epoch") == str(epoch + 1)
                             and cluster_info(n).get("cluster_known_nodes") == "4"
                             for n in cluster3), 10, "every member at the winner's epoch")
    finally:
        for c in candidates:
            c.cleanup(check=False)
