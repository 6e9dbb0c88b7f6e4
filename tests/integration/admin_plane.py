"""Clients of a node's gRPC admin plane beyond kvctl (which is Node.kvctl): a typed kvcache.v1.Admin
stub (protoc's Python code generated into a temporary directory from proto/kvcache/v1/admin.proto)
and grpc.health.v1 Check with hand-encoded messages. Nodes come from harness.py."""

import importlib
import os
import shutil
import subprocess
import sys
import tempfile

from harness import REPO_ROOT, missing

TOKEN = "admin-plane-test-token"

# grpc.health.v1.HealthCheckResponse.ServingStatus values.
HEALTH_UNKNOWN, HEALTH_SERVING, HEALTH_NOT_SERVING = 0, 1, 2

_admin_pb2 = None


def admin_pb2():
    """kvcache.v1 messages, generated once per process by protoc's built-in Python generator."""
    global _admin_pb2
    if _admin_pb2 is None:
        if shutil.which("protoc") is None:
            missing("protoc", "apt-get install protobuf-compiler (scripts/install-deps.sh)")
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


def admin_call(node, method, request, timeout_s=30):
    """Unary kvcache.v1.Admin call with the node's bearer token; returns the decoded response."""
    response_type = getattr(admin_pb2(), f"{method}Response")
    call = node.grpc_channel().unary_unary(
        f"/kvcache.v1.Admin/{method}", request_serializer=lambda m: m.SerializeToString(),
        response_deserializer=response_type.FromString)
    return call(request, timeout=timeout_s,
                metadata=[("authorization", f"Bearer {node.admin_token}")])


def health_check(node, timeout_s=2):
    """Health.Check for the whole server (service ""); returns a HEALTH_* value."""
    call = node.grpc_channel().unary_unary("/grpc.health.v1.Health/Check")
    return decode_health(call(b"", timeout=timeout_s))


def aof_dir_size(directory):
    """Total bytes of the files in appendonlydir (base, incr files and manifest)."""
    return sum(entry.stat().st_size for entry in os.scandir(directory) if entry.is_file())
