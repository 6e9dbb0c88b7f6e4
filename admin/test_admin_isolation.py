"""A hung admin client does not stall the RESP data plane.

Holds a grpc.health.v1 Watch stream open (never read again), a few raw TCP connections that send
half an HTTP/2 preface and then nothing, and a stream of GetStats calls, while redis-benchmark runs
against the RESP port. Asserts correctness only (every request answered, the admin streams still
held, the node healthy, and a RESP client running alongside the benchmark got the right reply to
every one of its commands); the latency figures are printed for the record, not asserted on.
"""
import os
import re
import socket
import subprocess
import threading

import grpc
import redis

from test_admin_node import TOKEN, Node  # noqa: F401 (fixture helpers)

BENCH_ARGS = ["-t", "set,get", "-n", "20000", "-c", "10", "-q", "--csv"]


def run_benchmark(port):
    r = subprocess.run(["redis-benchmark", "-p", str(port)] + BENCH_ARGS,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    rows = {}
    for line in r.stdout.splitlines():
        cells = [c.strip('"') for c in line.split(",")]
        if cells and cells[0] in ("SET", "GET"):
            # "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95..","p99..",..
            rows[cells[0]] = {"rps": float(cells[1]), "p50_ms": float(cells[4]),
                              "p99_ms": float(cells[6])}
    assert set(rows) == {"SET", "GET"}, r.stdout
    return rows


CHECKED_ROUNDS = 2000


def checked_resp_traffic(port, errors, stop):
    """SET/GET/INCR with values unique to this client, every reply compared (bounded rounds)."""
    c = redis.Redis(port=port, socket_timeout=30)
    try:
        for i in range(CHECKED_ROUNDS):
            if stop.is_set():
                break
            value = f"checked-{i}".encode()
            pipe = c.pipeline(transaction=False)
            pipe.set(f"checked:{i % 100}", value).get(f"checked:{i % 100}").incr("checked:n")
            if pipe.execute() != [True, value, i + 1]:
                errors.append(f"round {i}: wrong replies")
                return
    except Exception as e:  # noqa: BLE001 - reported by the test
        errors.append(repr(e))
    finally:
        c.close()


def test_hung_admin_clients_do_not_stall_resp(tmp_path):
    node = Node(tmp_path)
    stop = threading.Event()
    sockets = []
    try:
        baseline = run_benchmark(node.port)

        channel = grpc.insecure_channel(f"127.0.0.1:{node.admin_port}")
        watch = channel.unary_stream("/grpc.health.v1.Health/Watch")(b"", timeout=120)
        first = next(watch)  # SERVING; afterwards the stream is held and never read
        assert first == b"\x08\x01"
        for _ in range(4):
            s = socket.create_connection(("127.0.0.1", node.admin_port), timeout=5)
            s.sendall(b"PRI * HTTP/2.0\r\n")  # half a preface, then silence
            sockets.append(s)

        stats_calls = [0]

        def poll_stats():
            while not stop.is_set() and stats_calls[0] < 2000:
                node.kvctl("stats")
                stats_calls[0] += 1

        poller = threading.Thread(target=poll_stats)
        poller.start()
        checker_errors = []
        checker = threading.Thread(target=checked_resp_traffic,
                                   args=(node.port, checker_errors, stop))
        checker.start()
        loaded = run_benchmark(node.port)
        checker.join(timeout=120)
        stop.set()
        poller.join(timeout=60)
        assert not checker.is_alive() and not checker_errors, checker_errors
        assert node.redis.get("checked:n") == str(CHECKED_ROUNDS).encode()
        # Without -r, redis-benchmark's SET and GET use the literal key "key:__rand_int__" and a
        # payload of -d bytes (default 3, pseudo-random letters).
        payload = node.redis.get("key:__rand_int__")
        assert payload is not None and len(payload) == 3 and payload.isalpha(), payload

        assert watch.is_active(), "the held Watch stream was dropped"
        assert node.redis.ping()
        assert node.kvctl_json("health") == {"status": "SERVING"}
        print(f"\nRESP under hung admin clients ({stats_calls[0]} kvctl stats calls alongside):")
        for cmd in ("SET", "GET"):
            b, l = baseline[cmd], loaded[cmd]
            print(f"  {cmd}: baseline {b['rps']:.0f} rps p50 {b['p50_ms']:.3f} ms "
                  f"p99 {b['p99_ms']:.3f} ms; with admin load {l['rps']:.0f} rps "
                  f"p50 {l['p50_ms']:.3f} ms p99 {l['p99_ms']:.3f} ms")
        watch.cancel()
        channel.close()
    finally:
        stop.set()
        for s in sockets:
            s.close()
        node.stop()
