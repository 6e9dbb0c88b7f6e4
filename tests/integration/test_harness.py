"""The harness itself: what makes a test fail must make it fail. A node whose log has a sanitizer
report, that exits non-zero or dies on its own fails the test that stops it; a start is retried
on a taken port and never after a crash."""

import signal
import socket

import pytest

import harness
from harness import HOST, ServerFailed


@pytest.mark.parametrize("line, end", [
    ("==4242==ERROR: AddressSanitizer: heap-use-after-free on address 0x602", "stop"),
    ("server/db/x.cc:12:7: runtime error: signed integer overflow", "kill"),
    ("==4242==ERROR: LeakSanitizer: detected memory leaks", "stop"),
])
def test_sanitizer_report_in_the_log_fails_the_test(nodes, line, end):
    node = nodes.one("kv")
    # What the sanitizers write to the server's stderr, i.e. its log.
    with open(node.log_path, "a") as log:
        log.write(line + "\n")
    with pytest.raises(ServerFailed, match=line.split(": ", 1)[1][:20]):
        getattr(node, end)()


def test_a_node_that_died_on_its_own_fails_stop(nodes):
    node = nodes.one("kv")
    node.proc.send_signal(signal.SIGKILL)  # from outside, as the OOM killer would
    node.proc.wait(timeout=10)
    with pytest.raises(ServerFailed, match="had exited with -9"):
        node.stop()


def test_non_zero_exit_on_sigterm_fails_stop(nodes, tmp_path):
    # A stand-in server that exits 3 on SIGTERM: the wrapper runs kv-server and lies about it.
    wrapper = tmp_path / "kv-wrapper.sh"
    wrapper.write_text(f'#!/bin/bash\n"{harness.kv_server_path()}" "$@" &\npid=$!\n'
                       'trap "kill -TERM $pid; wait $pid; exit 3" TERM\nwait $pid\n')
    wrapper.chmod(0o755)
    node = nodes.unstarted("kv")
    node.binary = lambda: str(wrapper)
    node.start()
    with pytest.raises(ServerFailed, match="exited with 3 on SIGTERM"):
        node.stop()


def test_start_retries_on_a_taken_port_only(monkeypatch, nodes):
    taken = socket.socket()
    taken.bind((HOST, 0))
    taken.listen()
    ports = [taken.getsockname()[1]]
    real = harness.free_port
    monkeypatch.setattr(harness, "free_port", lambda: ports.pop() if ports else real())
    node = nodes.one("kv")  # the first try meets the taken port, the second succeeds
    assert node.port != taken.getsockname()[1]
    assert "in use" in node.log()
    taken.close()

    crashing = nodes.unstarted("kv", args=["--no-such-option", "x"])
    spawned = []
    real_spawn = crashing.spawn
    crashing.spawn = lambda **kw: spawned.append(1) or real_spawn(**kw)
    with pytest.raises(ServerFailed, match="exited with 1 during start-up"):
        crashing.start()
    assert len(spawned) == 1, "a crash at start-up must not be retried"
    crashing.cleanup(check=False)


def test_ports_are_never_handed_out_twice():
    seen = {harness.free_port() for _ in range(200)}
    assert len(seen) == 200


def test_missing_binary_fails_not_skips(monkeypatch):
    monkeypatch.setitem(harness.options, "kv_server", "/nonexistent/kv-server")
    with pytest.raises(pytest.fail.Exception, match="kv-server .* is missing"):
        harness.kv_server_path()


def test_redis_reference_runs_too(nodes):
    r = nodes.one("redis")
    with r.raw() as c:
        assert c.call("PING") == b"+PONG\r\n"
