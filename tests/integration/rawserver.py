"""Raw-socket helpers for the list/hash integration tests: start kv-server or Debian's redis-server
on a free loopback port, and a RESP client that returns replies as raw bytes (so that tests compare
exact bytes: *-1 vs $-1 vs _).

Self-contained on purpose; the shared fixtures in conftest.py (tests branch) can replace it.
"""

import contextlib
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


@contextlib.contextmanager
def running_server(kind):
    """Yields the port of a fresh `kind` ("kv" or "redis") server, stopped on exit."""
    with tempfile.TemporaryDirectory() as tmpdir:
        proc, port = _start(kind, tmpdir)
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
