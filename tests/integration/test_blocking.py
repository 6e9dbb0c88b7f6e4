"""Blocking list pops against a running server: BLPOP/BRPOP/BLMOVE woken by pushes from other
clients, timeouts, FIFO order among waiters, and waiters that disconnect.

Every scenario runs against kv-server and, as the reference, Debian's redis-server (skipped when
absent). Self-contained: starts its own servers on free loopback ports.
    /usr/bin/python3 -m pytest tests/integration/test_blocking.py   [KV_SERVER=path/to/kv-server]
"""

import os
import pathlib
import shutil
import socket
import subprocess
import tempfile
import time

import pytest

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
# How long a client must stay silent for us to call it "blocked"; bounded waits everywhere else.
QUIET_S = 0.3
REPLY_TIMEOUT_S = 5.0


def _free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _start(kind, tmpdir):
    port = _free_port()
    if kind == "kv":
        binary = os.environ.get("KV_SERVER") or str(REPO_ROOT / "build" / "server" / "kv-server")
        if not pathlib.Path(binary).exists():
            pytest.skip(f"kv-server not built at {binary}")
        # Two I/O threads: waiter and pusher usually live on different threads.
        cmd = [binary, "--port", str(port), "--bind", HOST, "--io-threads", "2"]
    else:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("redis-server not installed")
        cmd = [binary, "--port", str(port), "--bind", HOST, "--save", "", "--appendonly", "no",
               "--dir", tmpdir]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmpdir)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=0.2):
                return proc, port
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.05)
    proc.kill()
    pytest.fail(f"{kind} server did not start on port {port}")


@pytest.fixture(params=["redis", "kv"])
def server_port(request):
    with tempfile.TemporaryDirectory() as tmpdir:
        proc, port = _start(request.param, tmpdir)
        try:
            yield port
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


class Client:
    """A raw RESP client: send commands, read replies as raw bytes."""

    def __init__(self, port):
        self.sock = socket.create_connection((HOST, port), timeout=REPLY_TIMEOUT_S)
        self.buf = b""

    def send(self, *args):
        out = b"*%d\r\n" % len(args)
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            out += b"$%d\r\n%s\r\n" % (len(a), a)
        self.sock.sendall(out)

    def _line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line + b"\r\n"

    def _exact(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buf += chunk
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def read(self):
        line = self._line()
        kind = line[:1]
        if kind in b"$=" and int(line[1:]) >= 0:
            return line + self._exact(int(line[1:]) + 2)
        if kind in b"*%~>" and int(line[1:]) >= 0:
            n = int(line[1:]) * (2 if kind == b"%" else 1)
            return line + b"".join(self.read() for _ in range(n))
        return line

    def call(self, *args):
        self.send(*args)
        return self.read()

    def silent_for(self, seconds):
        """True when nothing arrives for `seconds` (the client is blocked)."""
        if self.buf:
            return False
        self.sock.settimeout(seconds)
        try:
            data = self.sock.recv(65536)
            self.buf += data
            return False
        except socket.timeout:
            return True
        finally:
            self.sock.settimeout(REPLY_TIMEOUT_S)

    def close(self):
        self.sock.close()


def bulk_array(*items):
    out = b"*%d\r\n" % len(items)
    for i in items:
        i = i.encode()
        out += b"$%d\r\n%s\r\n" % (len(i), i)
    return out


def block(port, *cmd):
    """A new client that sent `cmd` and is now blocked."""
    c = Client(port)
    c.send(*cmd)
    assert c.silent_for(QUIET_S), "the blocking command answered at once"
    return c


def test_push_wakes_blpop(server_port):
    waiter = block(server_port, "BLPOP", "q1", "q2", "0")
    pusher = Client(server_port)
    assert pusher.call("RPUSH", "q2", "a", "b") == b":2\r\n"
    assert waiter.read() == bulk_array("q2", "a")
    # Served atomically with the push: only "b" is left.
    assert pusher.call("LRANGE", "q2", "0", "-1") == bulk_array("b")
    assert waiter.call("PING") == b"+PONG\r\n"


def test_pipelined_input_waits_while_blocked(server_port):
    waiter = Client(server_port)
    waiter.sock.sendall(b"*3\r\n$5\r\nBRPOP\r\n$1\r\nk\r\n$1\r\n0\r\n*1\r\n$4\r\nPING\r\n")
    assert waiter.silent_for(QUIET_S)
    Client(server_port).call("LPUSH", "k", "v")
    assert waiter.read() == bulk_array("k", "v")
    assert waiter.read() == b"+PONG\r\n"


def test_timeout_returns_null(server_port):
    c = Client(server_port)
    start = time.monotonic()
    assert c.call("BLPOP", "nokey", "0.2") == b"*-1\r\n"
    assert time.monotonic() - start >= 0.15
    assert c.call("BLMOVE", "nokey", "dst", "LEFT", "LEFT", "0.1") == b"*-1\r\n"
    c.call("HELLO", "3")
    assert c.call("BRPOP", "nokey", "0.1") == b"_\r\n"
    # A timed-out waiter does not take a later push.
    assert c.call("RPUSH", "nokey", "x") == b":1\r\n"
    assert c.call("LLEN", "nokey") == b":1\r\n"


def test_fifo_among_three_waiters(server_port):
    waiters = [block(server_port, "BLPOP", "fifo", "0") for _ in range(3)]
    pusher = Client(server_port)
    assert pusher.call("RPUSH", "fifo", "1", "2") == b":2\r\n"
    assert waiters[0].read() == bulk_array("fifo", "1")
    assert waiters[1].read() == bulk_array("fifo", "2")
    assert waiters[2].silent_for(QUIET_S)
    assert pusher.call("RPUSH", "fifo", "3") == b":1\r\n"
    assert waiters[2].read() == bulk_array("fifo", "3")
    assert pusher.call("LLEN", "fifo") == b":0\r\n"


def test_killed_waiter_does_not_swallow_push(server_port):
    gone = block(server_port, "BLPOP", "kk", "0")
    gone.close()
    time.sleep(0.2)  # let the server notice the disconnect
    pusher = Client(server_port)
    assert pusher.call("LPUSH", "kk", "v1") == b":1\r\n"
    assert pusher.call("LLEN", "kk") == b":1\r\n"
    # And with a live waiter queued behind a dead one, the live one gets the element.
    pusher.call("LPOP", "kk")
    gone = block(server_port, "BLPOP", "kk", "0")
    alive = block(server_port, "BLPOP", "kk", "0")
    gone.close()
    time.sleep(0.2)
    assert pusher.call("LPUSH", "kk", "v2") == b":1\r\n"
    assert alive.read() == bulk_array("kk", "v2")
    assert pusher.call("LLEN", "kk") == b":0\r\n"


def test_blmove_and_chain(server_port):
    # Keys chosen so that, with kv-server's 64 shards, some hops cross shards.
    mover = block(server_port, "BLMOVE", "src", "mid", "RIGHT", "LEFT", "0")
    popper = block(server_port, "BRPOP", "mid", "0")
    pusher = Client(server_port)
    assert pusher.call("RPUSH", "src", "a", "b") == b":2\r\n"
    assert mover.read() == b"$1\r\nb\r\n"
    assert popper.read() == bulk_array("mid", "b")
    assert pusher.call("LRANGE", "src", "0", "-1") == bulk_array("a")
    assert pusher.call("LLEN", "mid") == b":0\r\n"
    rot = block(server_port, "BRPOPLPUSH", "ring", "ring", "0")
    assert pusher.call("RPUSH", "ring", "x") == b":1\r\n"
    assert rot.read() == b"$1\r\nx\r\n"
    assert pusher.call("LRANGE", "ring", "0", "-1") == bulk_array("x")


def test_blocking_in_multi_does_not_block(server_port):
    c = Client(server_port)
    if c.call("MULTI") != b"+OK\r\n":
        pytest.skip("MULTI not available on this server")
    assert c.call("BLPOP", "nokey", "0") == b"+QUEUED\r\n"
    assert c.call("BLMOVE", "nokey", "d", "LEFT", "LEFT", "0") == b"+QUEUED\r\n"
    assert c.call("EXEC") == b"*2\r\n*-1\r\n$-1\r\n"
