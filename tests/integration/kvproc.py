"""Start kv-server or Debian's redis-server on a free loopback port, and a raw RESP client that
returns reply bytes exactly as sent, for byte-for-byte comparisons. Used by test_multi.py and
test_pubsub.py (kept separate from the shared conftest so the two can merge independently)."""

import os
import pathlib
import re
import shutil
import socket
import subprocess
import tempfile
import time

import pytest

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"


def kv_server_path(config=None):
    """--kv-server (the shared conftest's option, which CTest passes), $KV_SERVER, or the build
    tree's binary; None for --kv-server=none."""
    path = config.getoption("--kv-server", default=None) if config is not None else None
    path = path or os.environ.get("KV_SERVER") or REPO_ROOT / "build" / "server" / "kv-server"
    return None if str(path) == "none" else pathlib.Path(path)


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, kind, extra_args=(), binary=None):
        self.kind = kind
        self.dir = tempfile.mkdtemp(prefix=f"kvtxn-{kind}-")
        self.log_path = os.path.join(self.dir, "server.log")
        for _ in range(3):
            self.port = free_port()
            if kind == "kv":
                argv = [str(binary or kv_server_path()), "--port", str(self.port), "--bind", HOST,
                        "--dir", self.dir]
            else:
                argv = ["redis-server", "--port", str(self.port), "--bind", HOST, "--save", "",
                        "--appendonly", "no", "--dir", self.dir]
            with open(self.log_path, "ab") as log:
                self.proc = subprocess.Popen(argv + list(extra_args), stdout=log,
                                             stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                             cwd=self.dir)
            if self._wait_ready():
                return
            self.proc.kill()
            self.proc.wait()
        raise RuntimeError(f"{kind} server did not start:\n{self.log()}")

    def _wait_ready(self):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                with socket.create_connection((HOST, self.port), timeout=0.5) as s:
                    # PING answers while the AOF still loads; a data command answers LOADING.
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        s.sendall(encode("EXISTS", "__ready_probe__"))
                        if s.recv(64).startswith(b":"):
                            return True
            except OSError:
                pass
            time.sleep(0.05)
        return False

    def log(self):
        try:
            return pathlib.Path(self.log_path).read_text(errors="replace")
        except OSError:
            return ""

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def encode(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


class Raw:
    """A RESP connection that returns each reply's raw bytes."""

    def __init__(self, port, timeout=5.0):
        self.sock = socket.create_connection((HOST, port), timeout=timeout)
        self.buf = b""

    def close(self):
        self.sock.close()

    def send(self, *args):
        self.sock.sendall(encode(*args))

    def call(self, *args):
        self.send(*args)
        return self.read()

    def _fill(self):
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionError("closed by server")
        self.buf += data

    def _line(self, pos):
        while True:
            end = self.buf.find(b"\r\n", pos)
            if end >= 0:
                return end
            self._fill()

    def _skip(self, pos):
        """Position just past the complete reply starting at `pos`."""
        end = self._line(pos)
        kind, head = self.buf[pos:pos + 1], self.buf[pos + 1:end]
        pos = end + 2
        if kind in b"$=!":
            n = int(head)
            if n < 0:
                return pos
            while len(self.buf) < pos + n + 2:
                self._fill()
            return pos + n + 2
        if kind in b"*>~%|":
            n = int(head)
            count = n * 2 if kind in b"%|" else n
            for _ in range(max(count, 0)):
                pos = self._skip(pos)
            return pos
        return pos  # + - : _ , # (

    def read(self):
        end = self._skip(0)
        reply, self.buf = self.buf[:end], self.buf[end:]
        return reply


# Fixtures shared by test_multi.py and test_pubsub.py (imported there, which registers them).
@pytest.fixture(scope="module")
def kv_binary(pytestconfig):
    path = kv_server_path(pytestconfig)
    if path is None:
        pytest.skip("no kv-server binary (--kv-server=none)")
    return path


@pytest.fixture(scope="module")
def servers(kv_binary):
    """redis-server and kv-server (two I/O threads) side by side, by kind."""
    started = [Server("redis"), Server("kv", ["--io-threads", "2"], binary=kv_binary)]
    yield {s.kind: s for s in started}
    for s in started:
        s.stop()


def normalise(reply):
    """HELLO reports the connection id, which differs between servers."""
    return re.sub(rb"\$2\r\nid\r\n:\d+\r\n", b"$2\r\nid\r\n:N\r\n", reply)
