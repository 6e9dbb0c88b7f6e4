"""Issue #16: ioredis's defineCommand (EVALSHA with EVAL fallback, also pipelined) against
kv-server and redis-server. ioredis comes from npm into <build>/node (scripts/fetch-node-clients.sh,
run by `make test`); without it or without node the test fails and says what to run."""

import json
import pathlib
import shutil
import subprocess

from harness import kv_server_path, missing

SCRIPT = pathlib.Path(__file__).resolve().parent / "node" / "define_command.js"


def node_modules():
    kv = pathlib.Path(kv_server_path())
    candidates = [kv.resolve().parents[1] / "node"]
    candidates.append(pathlib.Path(__file__).resolve().parents[2] / "build" / "node")
    for prefix in candidates:
        if (prefix / "node_modules" / "ioredis").is_dir():
            return prefix / "node_modules"
    return None


def test_define_command(server):
    if shutil.which("node") is None:
        missing("node", "apt-get install nodejs npm (scripts/install-deps.sh)")
    modules = node_modules()
    if modules is None:
        missing("ioredis", "scripts/fetch-node-clients.sh BUILD_DIR (run by make test)")
    out = subprocess.run(["node", str(SCRIPT), str(server.port)], capture_output=True,
                         timeout=60, env={"NODE_PATH": str(modules), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr.decode()
    assert json.loads(out.stdout) == {"first": ["5", "first"], "second": ["7", "second"],
                                      "pipelined": ["8", "third"]}


def test_cluster_client_routes_every_key(nodes):
    """Issue #11: ioredis's Cluster client, seeded with one node of a 3-node kvcache cluster, reads
    the topology (CLUSTER SLOTS), sends each of 10,000 keys to its owner and reads it back; every
    node ends up holding a share and nobody holds them all."""
    if shutil.which("node") is None:
        missing("node", "apt-get install nodejs npm (scripts/install-deps.sh)")
    modules = node_modules()
    if modules is None:
        missing("ioredis", "scripts/fetch-node-clients.sh BUILD_DIR (run by make test)")
    cluster = nodes.cluster(3, vnodes=128)
    script = SCRIPT.parent / "cluster_set_get.js"
    out = subprocess.run(["node", str(script), str(cluster[1].port), "10000"], capture_output=True,
                         timeout=120, env={"NODE_PATH": str(modules), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr.decode()
    assert json.loads(out.stdout) == {"ok": 10000, "nodes": 3}
    counts = [n.redis.dbsize() for n in cluster]
    assert sum(counts) == 10000 and all(0 < c < 10000 for c in counts), counts
