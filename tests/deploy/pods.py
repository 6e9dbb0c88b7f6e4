"""The chart's pods outside Kubernetes: the rendered ConfigMap files, the StatefulSet's
environment, and each pod's processes run in a private mount namespace whose /etc/hosts maps the
pods' DNS names to 127.0.0.1 (`unshare -m` + a bind mount), as tests/deploy/test_pod_*.py use them.
"""

import base64
import os
import signal
import socket
import subprocess

from chart import NAMESPACE, RELEASE, objects, one

FULLNAME = f"{RELEASE}-kvcache"
DOMAIN = f"{FULLNAME}-headless.{NAMESPACE}.svc.cluster.local"
DEADLINE_S = 60


def write_hosts_file(path, pods):
    path.write_text("127.0.0.1 localhost\n" + "".join(
        f"127.0.0.1 {FULLNAME}-{i}.{DOMAIN}\n" for i in range(pods)))
    return path


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cluster_mode_available(kv_server, kvctl):
    """kv-server's cluster config keys (issue #11)."""
    help_text = subprocess.run([kv_server, "--help"], capture_output=True, text=True).stdout
    return "cluster-enabled" in help_text


def drain_available(kvctl):
    """`kvctl remove-node ... --wait`, the preStop hook's command (issue #13)."""
    ctl_help = subprocess.run([kvctl, "remove-node", "--help"], capture_output=True,
                              text=True).stdout
    return "--wait" in ctl_help


def unshare_works():
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    return probe.returncode == 0


class Pod:
    """One pod of the StatefulSet: its directories, ports and environment, and its kv-server
    started through the chart's start.sh."""

    def __init__(self, ordinal, workdir, rendered, chart_ports, hosts_file):
        self.name = f"{FULLNAME}-{ordinal}"
        self.dir = workdir / self.name
        self.data_dir = self.dir / "data"
        for d in (self.data_dir, self.dir / "run"):
            d.mkdir(parents=True)
        # Pod 0 keeps the chart's ports: the others find it there, as peers do in Kubernetes.
        self.resp_port, self.admin_port = chart_ports if ordinal == 0 else (free_port(), free_port())
        self.hosts_file = hosts_file
        self.env = dict(os.environ, **rendered.secret_env, POD_NAME=self.name,
                        POD_NAMESPACE=NAMESPACE, KVCACHE_CONFIG_DIR=str(rendered.config_dir),
                        KVCACHE_RUN_DIR=str(self.dir / "run"),
                        KVCACHE_DATA_DIR=str(self.data_dir), KVCACHE_BIND="127.0.0.1",
                        KVCACHE_RESP_PORT=str(self.resp_port),
                        KVCACHE_ADMIN_PORT=str(self.admin_port),
                        PATH=f"{rendered.bin_dir}:{os.environ['PATH']}",
                        GRPC_DNS_RESOLVER="native")
        self.log_path = self.dir / "pod.log"
        self.proc = None

    def in_namespace(self, argv):
        """argv run with the test's /etc/hosts, in a mount namespace of its own."""
        return ["unshare", "-m", "/bin/sh", "-c",
                f'mount --bind "{self.hosts_file}" /etc/hosts && exec "$@"', "sh", *argv]

    def start(self, command):
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(self.in_namespace(command), env=self.env, stdout=log,
                                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

    def exec(self, command, timeout=DEADLINE_S * 5):
        """Runs a command in the pod (as the kubelet runs a probe or a preStop hook)."""
        return subprocess.run(self.in_namespace(command), env=self.env, capture_output=True,
                              text=True, timeout=timeout)

    def kvctl(self, *args):
        return self.exec(["/bin/sh", str(self.env["KVCACHE_CONFIG_DIR"]) + "/kvctl-local.sh",
                          *args], timeout=30)

    def log(self):
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Rendered:
    """The chart's files and commands for the test's pods."""

    def __init__(self, workdir, chart_ports, kv_server, kvctl):
        resp, admin = chart_ports
        objs = objects(sets=[f"ports.resp={resp}", f"ports.admin={admin}",
                             "auth.password=pod-test-password", "auth.adminToken=pod-test-token",
                             "auth.clusterSecret=pod-test-cluster-secret", "persistence.enabled=true"])
        self.config_dir = workdir / "etc-kvcache"
        self.config_dir.mkdir()
        for name, text in one(objs, "ConfigMap")["data"].items():
            (self.config_dir / name).write_text(text)
        secret = {k: base64.b64decode(v).decode() for k, v in one(objs, "Secret")["data"].items()}
        (container,) = one(objs, "StatefulSet")["spec"]["template"]["spec"]["containers"]
        self.secret_env = {e["name"]: secret[e["valueFrom"]["secretKeyRef"]["key"]]
                           for e in container["env"]
                           if "secretKeyRef" in e.get("valueFrom", {})}
        # The container's command and preStop hook, with the ConfigMap's mount point mapped to
        # the test's copy of it.
        self.command = [self.local(a) for a in container["command"]]
        self.pre_stop = [self.local(a) for a in container["lifecycle"]["preStop"]["exec"]["command"]]
        self.bin_dir = workdir / "bin"
        self.bin_dir.mkdir()
        (self.bin_dir / "kv-server").symlink_to(kv_server)
        (self.bin_dir / "kvctl").symlink_to(kvctl)

    def local(self, arg):
        return arg.replace("/etc/kvcache", str(self.config_dir))
