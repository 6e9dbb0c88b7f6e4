"""The chart's pod start-up logic, outside Kubernetes: what the StatefulSet would do, minus
Kubernetes.

The chart is rendered with helm; its ConfigMap's start.sh, kvcache.conf and kvctl-local.sh are run
for three pods at once (podManagementPolicy Parallel), each with the environment the StatefulSet
gives it (POD_NAME, POD_NAMESPACE, the Secret's values). The pods' DNS names
(<pod>.<headless service>.<namespace>.svc.cluster.local) are mapped to 127.0.0.1 by a hosts file
bind-mounted over /etc/hosts in a private mount namespace (`unshare -m`), and each pod gets its own
ports through the script's KVCACHE_*_PORT overrides, since all three share one address. The test
then checks that they formed one ring, runs the rendered preStop command on one pod, stops it as
the kubelet would, and checks that its keys moved and none was lost.
"""

import socket
import time

import pytest

from deploy_env import binary
from pods import (DEADLINE_S, DOMAIN, FULLNAME, Pod, Rendered, cluster_mode_available,
                  drain_available, free_port, unshare_works, write_hosts_file)

PODS = 3
KEYS = 1000


def poll(what, predicate, pods):
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        if predicate():
            return
        for pod in pods:
            assert pod.proc.poll() is None, f"{pod.name} exited while waiting for {what}:\n{pod.log()}"
        time.sleep(0.2)
    logs = "\n".join(f"--- {p.name}\n{p.log()[-3000:]}" for p in pods)
    pytest.fail(f"timed out waiting for {what}\n{logs}")


def cluster_info(pod, password):
    """CLUSTER INFO of one pod as a dict (Redis's format: cluster_state, cluster_known_nodes...);
    empty while the pod does not answer."""
    import redis

    try:
        with redis.Redis(host="127.0.0.1", port=pod.resp_port, password=password,
                         socket_timeout=2, decode_responses=True) as client:
            reply = client.execute_command("CLUSTER INFO")
    except (redis.RedisError, OSError):
        return {}
    if isinstance(reply, dict):
        return {k: str(v) for k, v in reply.items()}
    return dict(line.split(":", 1) for line in reply.splitlines() if ":" in line)


def one_ring(pods, password):
    """Every pod sees the same ring of exactly these pods, with every slot served."""
    infos = [cluster_info(p, password) for p in pods]
    return all(i.get("cluster_state") == "ok" and i.get("cluster_known_nodes") == str(len(pods))
               and i.get("cluster_slots_assigned") == "16384" for i in infos)


@pytest.fixture
def cluster(tmp_path):
    kv_server = binary("KV_SERVER", "server/kv-server")
    kvctl = binary("KVCTL", "ctl/kvctl")
    if not cluster_mode_available(kv_server, kvctl):
        pytest.skip("kv-server has no cluster mode yet (config key cluster-enabled, issue #11)")
    if not drain_available(kvctl):
        pytest.skip("kvctl remove-node has no --wait yet (issue #13): the chart's preStop hook "
                    "cannot drain a pod until it lands")
    if not unshare_works():
        pytest.skip("unshare -m is not permitted here: cannot map the pods' DNS names to loopback")
    hosts = write_hosts_file(tmp_path / "hosts", PODS)
    chart_ports = (free_port(), free_port())
    rendered = Rendered(tmp_path, chart_ports, kv_server, kvctl)
    pods = [Pod(i, tmp_path, rendered, chart_ports, hosts) for i in range(PODS)]
    try:
        for pod in pods:  # all at once, as podManagementPolicy Parallel starts them
            pod.start(rendered.command)
        yield rendered, pods
    finally:
        for pod in pods:
            pod.stop()


def cluster_client(pods, password):
    """redis-py's RedisCluster, resolving the pods' DNS names to loopback the way the hosts file
    does for the pods."""
    import redis.cluster

    names = {f"{p.name}.{DOMAIN}": "127.0.0.1" for p in pods}
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        return real_getaddrinfo(names.get(host, host), *args, **kwargs)

    socket.getaddrinfo = getaddrinfo
    return redis.cluster.RedisCluster(host="127.0.0.1", port=pods[0].resp_port, password=password,
                                      decode_responses=True), real_getaddrinfo


def test_three_pods_form_one_ring_and_prestop_drains_one(cluster):
    rendered, pods = cluster
    password = rendered.secret_env["KVCACHE_REQUIREPASS"]
    poll("every pod SERVING", lambda: all(p.kvctl("health").returncode == 0 for p in pods), pods)
    poll("one ring of three", lambda: one_ring(pods, password), pods)
    # Pod 0 bootstrapped the ring; the others joined through a ready peer.
    assert "joining through" not in pods[0].log()
    for pod in pods[1:]:
        assert f"joining through {FULLNAME}-0.{DOMAIN}:" in pod.log(), pod.log()

    client, real_getaddrinfo = cluster_client(pods, password)
    try:
        for i in range(KEYS):
            client.set(f"key:{i}", f"value:{i}")
        leaving = pods[2]
        done = leaving.exec(rendered.pre_stop)
        assert done.returncode == 0, done.stdout + done.stderr
        leaving.stop()  # the kubelet stops the container once the preStop hook has returned
        survivors = pods[:2]
        poll("a ring of two", lambda: one_ring(survivors, password), survivors)
        client.close()
        client, _ = cluster_client(survivors, password)
        missing = [i for i in range(KEYS) if client.get(f"key:{i}") != f"value:{i}"]
        assert not missing, f"{len(missing)} keys lost after the drain, e.g. key:{missing[0]}"
        assert client.dbsize() == KEYS
    finally:
        socket.getaddrinfo = real_getaddrinfo
        client.close()
