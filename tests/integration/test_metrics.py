"""GET /metrics (issue 15): Prometheus text exposition on metrics-port, parsed with Debian's
python3-prometheus-client; counters follow the traffic; garbage HTTP and slow clients neither
break the endpoint nor the RESP port.

Run: /usr/bin/python3 -m pytest -q tests/integration/test_metrics.py [--kv-server PATH]
"""

import socket
import time
import urllib.error
import urllib.request

import pytest
import redis

from harness import HOST, free_port

parser = pytest.importorskip("prometheus_client.parser")


@pytest.fixture
def node(nodes):
    port = free_port()
    server = nodes.one("kv", metrics_port=port, maxmemory="100mb")
    server.metrics_port = port
    return server


def scrape(port):
    with urllib.request.urlopen(f"http://{HOST}:{port}/metrics", timeout=10) as r:
        assert r.status == 200
        assert r.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        text = r.read().decode()
    return {f.name: f for f in parser.text_string_to_metric_families(text)}


def value(families, name, **labels):
    for family in families.values():
        for s in family.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                return s.value
    return None


def test_metrics_parse_and_follow_traffic(node):
    before = scrape(node.metrics_port)
    assert value(before, "kvcache_memory_max_bytes") == 100 * 1024 * 1024
    assert value(before, "kvcache_memory_used_bytes") > 0
    assert value(before, "kvcache_connected_clients") is not None
    c = redis.Redis(host=HOST, port=node.port)
    for i in range(100):
        c.set(f"k{i}", "v", ex=1000 if i % 2 else None)
    for i in range(150):
        c.get(f"k{i}")
    with pytest.raises(redis.ResponseError):
        c.execute_command("INCR", "k1")  # redis-py's incr() sends INCRBY
    after = scrape(node.metrics_port)
    assert value(after, "kvcache_commands_total", cmd="set") == 100
    assert value(after, "kvcache_commands_total", cmd="get") == 150
    assert value(after, "kvcache_commands_failed_total", cmd="incr", stage="failed") == 1
    assert value(after, "kvcache_keyspace_hits_total") == 100
    assert value(after, "kvcache_keyspace_misses_total") == 50
    assert value(after, "kvcache_db_keys", db="0") == 100
    assert value(after, "kvcache_db_keys_expiring", db="0") == 50
    assert value(after, "kvcache_evicted_keys_total") == 0
    assert value(after, "kvcache_aof_enabled") == 0
    # The latency histogram is cumulative and ends with every call.
    hist = after["kvcache_command_duration_seconds"]
    buckets = [s for s in hist.samples
               if s.name.endswith("_bucket") and s.labels["cmd"] == "set"]
    counts = [s.value for s in buckets]
    assert counts == sorted(counts) and buckets[-1].labels["le"] == "+Inf" and counts[-1] == 100
    assert value(after, "kvcache_command_duration_seconds_count", cmd="set") == 100


def test_metrics_survives_garbage_and_slow_clients(node):
    # A client that sends half a request and stalls holds nothing but its own socket.
    slow = socket.create_connection((HOST, node.metrics_port))
    slow.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
    for garbage in [b"\x00\x01\x02\r\n\r\n", b"NOT HTTP AT ALL\r\n\r\n",
                    b"GET /metrics HTTP/1.1\r\n" + b"X: " + b"y" * 20000 + b"\r\n\r\n",
                    b"POST /metrics HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello"]:
        with socket.create_connection((HOST, node.metrics_port), timeout=10) as s:
            s.sendall(garbage)
            answer = s.recv(4096)
            assert answer == b"" or answer.startswith(b"HTTP/1.1 4"), answer[:80]
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(f"http://{HOST}:{node.metrics_port}/other", timeout=10)
    assert e.value.code == 404
    # The endpoint and the data plane still answer while the slow client stalls.
    assert value(scrape(node.metrics_port), "kvcache_memory_used_bytes") > 0
    assert redis.Redis(host=HOST, port=node.port).ping()
    slow.close()


def test_metrics_port_zero_is_off(nodes):
    assert nodes.one("kv").client().config_get("metrics-port") == {"metrics-port": "0"}


def test_grafana_dashboard_uses_exported_names(node):
    """deploy/grafana/kvcache-dashboard.json queries only metrics the node exports."""
    import json
    import pathlib
    import re
    path = pathlib.Path(__file__).resolve().parents[2] / "deploy/grafana/kvcache-dashboard.json"
    dashboard = json.loads(path.read_text())
    exprs = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    used = set(re.findall(r"kvcache_[a-z_]+", " ".join(exprs)))
    redis.Redis(host=HOST, port=node.port).set("k", "v")
    families = scrape(node.metrics_port)
    # The parser names a counter family without its _total suffix.
    exported = ({s.name for f in families.values() for s in f.samples} | set(families) |
                {name + "_total" for name, f in families.items() if f.type == "counter"})
    assert used and used <= exported, used - exported
