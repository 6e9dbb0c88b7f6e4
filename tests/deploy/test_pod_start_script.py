"""The chart's start.sh decisions, on today's kv-server: whom a pod joins through, and when it
waits. A stand-in `kv-server` on PATH records the configuration start.sh generated and exits, so
these run without cluster mode; a real kv-server (standalone, admin plane on) plays the ready
peer that kvctl health asks. test_pod_startup.py runs the same script with real cluster nodes."""

import stat
import subprocess
import time

import pytest

from deploy_env import binary
from pods import DEADLINE_S, DOMAIN, FULLNAME, Pod, Rendered, free_port, unshare_works, write_hosts_file

PODS = 3


@pytest.fixture
def setup(tmp_path):
    if not unshare_works():
        pytest.skip("unshare -m is not permitted here: cannot map the pods' DNS names to loopback")
    recorder = tmp_path / "record-kv-server"
    recorder.write_text('#!/bin/sh\ncp "$1" "$KVCACHE_RUN_DIR/started-with.conf"\n')
    recorder.chmod(recorder.stat().st_mode | stat.S_IXUSR)
    chart_ports = (free_port(), free_port())
    rendered = Rendered(tmp_path, chart_ports, recorder, binary("KVCTL", "ctl/kvctl"))
    hosts = write_hosts_file(tmp_path / "hosts", PODS)
    pods = [Pod(i, tmp_path, rendered, chart_ports, hosts) for i in range(PODS)]
    yield rendered, pods, chart_ports
    for pod in pods:
        pod.stop()


class ReadyPeer:
    """A real kv-server on the chart's ports: every pod name resolves to 127.0.0.1, so to the
    pods it is whichever peer they ask on the chart's admin port."""

    def __init__(self, tmp_path, chart_ports):
        resp, admin = chart_ports
        self.proc = subprocess.Popen(
            [binary("KV_SERVER", "server/kv-server"), "--bind", "127.0.0.1", "--port", str(resp),
             "--admin-bind", "127.0.0.1", "--admin-port", str(admin), "--dir", str(tmp_path)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # Serving before any pod asks, so which peer a pod picks does not depend on timing.
        health = [binary("KVCTL", "ctl/kvctl"), "--addr", f"127.0.0.1:{admin}", "--timeout", "1",
                  "health"]
        deadline = time.monotonic() + DEADLINE_S
        while subprocess.run(health, capture_output=True).returncode != 0:
            assert self.proc.poll() is None and time.monotonic() < deadline, "peer did not start"
            time.sleep(0.05)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)


def generated_config(pod):
    path = pod.dir / "run" / "started-with.conf"
    return path.read_text() if path.exists() else None


def wait_exit(pod):
    try:
        return pod.proc.wait(timeout=DEADLINE_S)
    except subprocess.TimeoutExpired:
        pytest.fail(f"start.sh of {pod.name} did not finish:\n{pod.log()}")


def test_pod_0_alone_bootstraps_and_announces_its_dns_name(setup):
    rendered, pods, _ = setup
    pod0 = pods[0]
    pod0.start(rendered.command)
    assert wait_exit(pod0) == 0, pod0.log()
    conf = generated_config(pod0)
    assert "cluster-join" not in conf
    lines = set(conf.splitlines())
    assert f"cluster-announce-ip {pod0.name}.{DOMAIN}" in lines
    assert f"cluster-announce-port {pod0.resp_port}" in lines
    assert f"cluster-announce-admin-port {pod0.admin_port}" in lines
    assert f"dir {pod0.data_dir}" in lines
    assert "cluster-enabled yes" in lines
    # The password reaches the node's private config, which only its owner can read.
    assert f"requirepass {rendered.secret_env['KVCACHE_REQUIREPASS']}" in lines
    assert (pod0.dir / "run" / "kvcache.conf").stat().st_mode & 0o077 == 0


def test_other_pods_wait_for_a_ready_peer_then_join_through_it(setup, tmp_path):
    rendered, pods, chart_ports = setup
    pod1 = pods[1]
    pod1.start(rendered.command)
    deadline = time.monotonic() + DEADLINE_S
    while "waiting for a ready peer" not in pod1.log():
        assert pod1.proc.poll() is None, pod1.log()
        assert time.monotonic() < deadline, pod1.log()
        time.sleep(0.1)
    assert generated_config(pod1) is None  # no node started without a ring to join
    peer = ReadyPeer(tmp_path, chart_ports)
    try:
        assert wait_exit(pod1) == 0, pod1.log()
    finally:
        peer.stop()
    lines = set(generated_config(pod1).splitlines())
    assert f"cluster-join {FULLNAME}-0.{DOMAIN}:{chart_ports[1]}" in lines
    assert f"cluster-announce-ip {pod1.name}.{DOMAIN}" in lines


def test_pod_0_without_state_joins_a_running_ring(setup, tmp_path):
    # Pod 0 lost its volume (or persistence is off) while the others run: it must not start a
    # second ring of its own.
    rendered, pods, chart_ports = setup
    peer = ReadyPeer(tmp_path, chart_ports)
    try:
        pods[0].start(rendered.command)
        assert wait_exit(pods[0]) == 0, pods[0].log()
    finally:
        peer.stop()
    # Its first peer in ordinal order that is ready.
    assert f"cluster-join {FULLNAME}-1.{DOMAIN}:{chart_ports[1]}" in generated_config(pods[0])


def test_kvctl_local_reaches_the_pods_own_admin_port(setup, tmp_path):
    rendered, pods, chart_ports = setup
    peer = ReadyPeer(tmp_path, chart_ports)
    try:
        deadline = time.monotonic() + DEADLINE_S
        while (done := pods[0].kvctl("health")).returncode != 0:
            assert time.monotonic() < deadline, done.stdout + done.stderr
            time.sleep(0.1)
        # pods[1] has ports of its own, where nothing listens: kvctl says unreachable (exit 3).
        assert pods[1].kvctl("health").returncode == 3
    finally:
        peer.stop()
