"""A kv-server node with its gRPC admin plane for the admin tests: kvctl, a typed gRPC stub for
kvcache.v1.Admin (protoc's Python code generated into a temporary directory from
proto/kvcache/v1/admin.proto) and grpc.health.v1 Check with hand-encoded messages.

Binaries: --kv-server / $KV_SERVER (default build/server/kv-server); kvctl from $KVCTL, else next
to kv-server in the same build tree (build/ctl/kvctl)."""

import importlib
import json
import os
import pathlib
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import grpc
import pytest

from aof_server import HOST, KvNode, free_port

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
TOKEN = "admin-plane-test-token"

# grpc.health.v1.HealthCheckResponse.ServingStatus values.
HEALTH_UNKNOWN, HEALTH_SERVING, HEALTH_NOT_SERVING = 0, 1, 2


def kvctl_binary(kv_server):
    env = os.environ.get("KVCTL")
    if env:
        return env
    return str(pathlib.Path(kv_server).resolve().parent.parent / "ctl" / "kvctl")


def binaries(config):
    """(kv-server, kvctl) paths, skipping the test when either is missing."""
    try:
        server = config.getoption("--kv-server")
    except ValueError:
        server = None
    if server == "none":
        pytest.skip("no kv-server binary in this run")
    server = server or os.environ.get("KV_SERVER") or str(REPO_ROOT / "build/server/kv-server")
    if not os.access(server, os.X_OK):
        pytest.skip(f"kv-server not built at {server}")
    kvctl = kvctl_binary(server)
    if not os.access(kvctl, os.X_OK):
        pytest.skip(f"kvctl not built at {kvctl} (configure with -DKV_BUILD_ADMIN=ON)")
    return server, kvctl


_admin_pb2 = None


def admin_pb2():
    """kvcache.v1 messages, generated once per process by protoc's built-in Python generator."""
    global _admin_pb2
    if _admin_pb2 is None:
        if shutil.which("protoc") is None:
            pytest.skip("protoc is not installed")
        out = tempfile.mkdtemp(prefix="kv-admin-pb2-")
        subprocess.run(["protoc", "-I", str(REPO_ROOT / "proto"), f"--python_out={out}",
                        "kvcache/v1/admin.proto"], check=True, timeout=60)
        sys.path.insert(0, out)
        _admin_pb2 = importlib.import_module("kvcache.v1.admin_pb2")
    return _admin_pb2


def decode_health(body):
    """HealthCheckResponse{status = 1}: the only field is a varint enum below 128."""
    if body == b"":
        return HEALTH_UNKNOWN
    assert len(body) == 2 and body[0] == 0x08, body
    return body[1]


class AdminNode(KvNode):
    """KvNode (start/stop/restart on one --dir) plus an admin port and the clients for it."""

    def __init__(self, binary, kvctl, args=(), directory=None):
        super().__init__(binary=binary, args=args, directory=directory)
        self.kvctl_path = kvctl
        self.admin_port = None
        self.channel = None

    def argv(self):
        return super().argv() + ["--admin-port", str(self.admin_port), "--admin-bind", HOST,
                                 "--admin-token", TOKEN]

    def start(self, **kw):
        self.admin_port = free_port()
        self.close_channel()
        return super().start(**kw)

    def spawn(self):
        """Starts the process without waiting for anything (the load-time tests poll it)."""
        self.port = free_port()
        self.admin_port = free_port()
        self.close_channel()
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.argv(), stdout=log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, cwd=self.dir)
        log.close()
        return self

    # ---- kvctl -----------------------------------------------------------------------------------

    def kvctl(self, *args, timeout_s=30):
        cmd = [self.kvctl_path, "--addr", f"{HOST}:{self.admin_port}", "--token", TOKEN,
               "--timeout", str(timeout_s)]
        return subprocess.run(cmd + list(args), capture_output=True, text=True,
                              timeout=timeout_s + 10)

    def kvctl_json(self, *args, **kw):
        r = self.kvctl("--json", *args, **kw)
        assert r.returncode == 0, f"kvctl {args}: rc {r.returncode}: {r.stderr}"
        return json.loads(r.stdout)

    # ---- gRPC ------------------------------------------------------------------------------------

    def grpc_channel(self):
        if self.channel is None:
            # Short reconnect backoff: a probe that came too early must not wait a second.
            self.channel = grpc.insecure_channel(f"{HOST}:{self.admin_port}", options=[
                ("grpc.initial_reconnect_backoff_ms", 20), ("grpc.min_reconnect_backoff_ms", 20),
                ("grpc.max_reconnect_backoff_ms", 100)])
        return self.channel

    def close_channel(self):
        if self.channel is not None:
            self.channel.close()
            self.channel = None

    def admin_call(self, method, request, timeout_s=30):
        """Unary kvcache.v1.Admin call with the bearer token; returns the decoded response."""
        pb = admin_pb2()
        response_type = getattr(pb, f"{method}Response")
        call = self.grpc_channel().unary_unary(
            f"/kvcache.v1.Admin/{method}", request_serializer=lambda m: m.SerializeToString(),
            response_deserializer=response_type.FromString)
        return call(request, timeout=timeout_s, metadata=[("authorization", f"Bearer {TOKEN}")])

    def health_check(self, timeout_s=2):
        """Health.Check for the whole server (service ""); returns a HEALTH_* value."""
        call = self.grpc_channel().unary_unary("/grpc.health.v1.Health/Check")
        return decode_health(call(b"", timeout=timeout_s))

    def cleanup(self):
        self.close_channel()
        super().cleanup()


def port_accepts(port):
    try:
        with socket.create_connection((HOST, port), timeout=0.5):
            return True
    except OSError:
        return False


def aof_dir_size(directory):
    """Total bytes of the files in appendonlydir (base, incr files and manifest)."""
    total = 0
    for entry in os.scandir(directory):
        if entry.is_file():
            total += entry.stat().st_size
    return total


def wait_for(predicate, timeout_s, what, interval_s=0.02):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval_s)
    raise AssertionError(f"timed out after {timeout_s}s waiting for {what}")
