"""Administration commands through real clients: redis-py, redis-cli (batch, RESP3 and an
interactive start on a pseudo-terminal, where redis-cli 7 asks COMMAND DOCS for its hints).

Run: /usr/bin/python3 -m pytest tests/integration/test_server_admin.py [--kv-server PATH]
(or ctest -R integration_server_admin). kv-server only: redis-server 7.0 lacks CLIENT SETINFO and
differs in DEBUG, so the replies themselves were compared against it by hand and in the unit tests.
"""

import os
import pty
import select
import socket
import subprocess
import time

import pytest
import redis

import harness
from harness import tool_path

@pytest.fixture
def admin_server(tmp_path, nodes):
    """kv-server started from a config file (CONFIG REWRITE's target)."""
    conf = tmp_path / "kv.conf"
    conf.write_text("# a comment kept by CONFIG REWRITE\nmaxclients 100\n")
    node = nodes.unstarted("kv", config_file=conf).start()
    yield node.port, conf, node.proc


def _cli(port, *args, stdin=None):
    out = subprocess.run([tool_path("redis-cli", "redis-tools"), "-p", str(port), *args], input=stdin, capture_output=True,
                         text=True, timeout=10)
    return out.stdout, out.stderr


def test_redis_py_connects_and_parses_info(admin_server):
    port, _, _ = admin_server
    r = redis.Redis(port=port)
    assert r.ping()
    assert r.client_setname("x")
    assert r.client_getname() in ("x", b"x")  # redis-py decodes this one
    r.set("k", "v")
    info = r.info()
    assert info["redis_version"] == "7.0.15"
    assert info["used_memory"] > 0
    assert info["mem_allocator"].startswith("jemalloc")
    assert info["db0"]["keys"] == 1
    clients = r.client_list()
    assert any(c["name"] == "x" for c in clients)
    assert r.config_get("maxclients") == {"maxclients": "100"}
    assert r.config_set("loglevel", "warning")
    assert r.config_get("loglevel") == {"loglevel": "warning"}
    assert "cmdstat_set" in r.info("commandstats")
    assert r.object("encoding", "k") == b"embstr"


def test_client_kill_closes_the_other_connection(admin_server):
    port, _, _ = admin_server
    victim = redis.Redis(port=port, retry_on_timeout=False)
    victim.client_setname("victim")
    vid = victim.client_id()
    admin = redis.Redis(port=port)
    assert admin.client_kill_filter(_id=vid) == 1
    deadline = time.time() + 5
    while time.time() < deadline and any(c["name"] == "victim" for c in admin.client_list()):
        time.sleep(0.05)
    assert not any(c["name"] == "victim" for c in admin.client_list())


def test_redis_cli_batch_and_resp3(admin_server):
    port, _, _ = admin_server
    out, err = _cli(port, stdin="ping\n")
    assert out == "PONG\n" and err == ""
    out, err = _cli(port, "-3", "hello", "3")
    assert "proto\n3" in out.replace(" ", "\n") and err == ""
    out, _ = _cli(port, "-3", "config", "get", "maxclients")
    assert out.split() == ["maxclients", "100"]


def test_redis_cli_interactive_start(admin_server):
    port, _, _ = admin_server
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp("redis-cli", ["redis-cli", "-p", str(port)])
    out = b""

    def read_for(seconds):
        nonlocal out
        end = time.time() + seconds
        while time.time() < end:
            ready, _, _ = select.select([fd], [], [], 0.1)
            if not ready:
                continue
            try:
                data = os.read(fd, 4096)
            except OSError:
                return
            out += data
            if b"\x1b[6n" in data:  # linenoise asks for the cursor position
                os.write(fd, b"\x1b[1;1R")

    try:
        read_for(1.0)
        os.write(fd, b"echo hello-from-pty\r")
        read_for(1.0)
        os.write(fd, b"quit\r")
        read_for(0.5)
    finally:
        try:
            os.kill(pid, 9)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)
        os.close(fd)
    text = out.decode(errors="replace")
    assert '"hello-from-pty"' in text
    assert "ERR" not in text


def test_config_rewrite_keeps_comments(admin_server):
    port, conf, _ = admin_server
    r = redis.Redis(port=port)
    r.config_set("maxclients", "123")
    assert r.config_rewrite()
    text = conf.read_text()
    assert "maxclients 123\n" in text
    assert "# a comment kept by CONFIG REWRITE\n" in text


def test_shutdown_stops_the_server(admin_server):
    port, _, proc = admin_server
    _cli(port, "shutdown", "nosave")
    proc.wait(timeout=10)
    assert proc.returncode == 0


def test_client_reply_off_and_skip(admin_server):
    port, _, _ = admin_server
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(b"CLIENT REPLY SKIP\r\nPING skipped\r\nPING one\r\n"
                  b"CLIENT REPLY OFF\r\nPING off\r\nCLIENT REPLY ON\r\nPING two\r\n")
        want = b"$3\r\none\r\n+OK\r\n$3\r\ntwo\r\n"
        got = b""
        deadline = time.time() + 5
        while len(got) < len(want) and time.time() < deadline:
            got += s.recv(4096)
        assert got == want


@pytest.mark.parametrize("flag", ["--version", "-v"])
def test_version_flag_prints_like_redis_server(flag):
    """`kv-server --version` / `-v`: one line in redis-server's format (scripts parse "v=")."""
    out = subprocess.run([harness.kv_server_path(), flag], capture_output=True, text=True,
                         timeout=10)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("kv-server v=0.1.0 redis=7.0.15 malloc="), out.stdout
    assert out.stdout.count("\n") == 1 and "bits=64" in out.stdout
    ref = subprocess.run([harness.redis_server_path(), flag], capture_output=True, text=True,
                         timeout=10)
    assert ref.stdout.startswith("Redis server v=7.0.15 ")
