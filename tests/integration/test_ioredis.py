"""Issue #16: ioredis's defineCommand (EVALSHA with EVAL fallback, also pipelined) against
kv-server and redis-server. ioredis comes from npm into <build>/node (scripts/fetch-node-clients.sh,
run by `make test`); without it or without node the test skips and says so."""

import json
import pathlib
import shutil
import subprocess

import pytest

from conftest import kv_server_path

SCRIPT = pathlib.Path(__file__).resolve().parent / "node" / "define_command.js"


def node_modules(config):
    kv = kv_server_path(config)
    candidates = [kv.resolve().parents[1] / "node"] if kv else []
    candidates.append(pathlib.Path(__file__).resolve().parents[2] / "build" / "node")
    for prefix in candidates:
        if (prefix / "node_modules" / "ioredis").is_dir():
            return prefix / "node_modules"
    return None


def test_define_command(request, server):
    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    modules = node_modules(request.config)
    if modules is None:
        pytest.skip("ioredis is not installed (scripts/fetch-node-clients.sh BUILD_DIR)")
    out = subprocess.run(["node", str(SCRIPT), str(server.port)], capture_output=True,
                         timeout=60, env={"NODE_PATH": str(modules), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr.decode()
    assert json.loads(out.stdout) == {"first": ["5", "first"], "second": ["7", "second"],
                                      "pipelined": ["8", "third"]}
