"""Generic gRPC tooling against the admin port: server reflection lists the Admin service.

Uses python3-grpcio without generated stubs: the reflection request is hand-encoded protobuf
(ServerReflectionRequest.list_services = "", field 7), which is all a tool like grpcurl sends first.
"""
import os
import subprocess

import grpc
import pytest

FAKE_NODE = os.environ["ADMIN_FAKE_NODE"]
METHOD = "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"


@pytest.fixture
def node():
    proc = subprocess.Popen([FAKE_NODE, "--token", "t"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = proc.stdout.readline()
        assert line.startswith("port "), line
        yield f"127.0.0.1:{int(line.split()[1])}"
    finally:
        proc.stdin.close()
        proc.wait(timeout=10)


def test_reflection_lists_admin_and_health(node):
    with grpc.insecure_channel(node) as channel:
        call = channel.stream_stream(METHOD)  # bytes in, bytes out
        responses = list(call(iter([b"\x3a\x00"]), timeout=5))
    assert len(responses) == 1
    body = responses[0]
    assert b"kvcache.v1.Admin" in body
    assert b"grpc.health.v1.Health" in body


def test_admin_rpc_without_token_is_unauthenticated(node):
    with grpc.insecure_channel(node) as channel:
        call = channel.unary_unary("/kvcache.v1.Admin/GetNodeInfo")
        with pytest.raises(grpc.RpcError) as err:
            call(b"", timeout=5)
    assert err.value.code() == grpc.StatusCode.UNAUTHENTICATED
