"""A kv-server process with its own --dir for the AOF tests: start, SIGTERM/SIGKILL, restart on
the same directory. Kept apart from the shared conftest so these tests run on any branch."""

import os
import pathlib
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import redis

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"


def kv_server_binary():
    return os.path.abspath(os.environ.get("KV_SERVER") or REPO_ROOT / "build" / "server" / "kv-server")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class KvNode:
    def __init__(self, binary=None, args=(), directory=None, preexec_fn=None):
        self.preexec_fn = preexec_fn
        self.binary = binary or kv_server_binary()
        self.args = list(args)
        self.dir = directory or tempfile.mkdtemp(prefix="kvaof-")
        self.owns_dir = directory is None
        self.proc = None
        self.port = None
        self.log_path = os.path.join(self.dir, "server.log")

    def argv(self):
        return [self.binary, "--port", str(self.port), "--bind", HOST, "--dir", self.dir] + self.args

    def start(self, timeout=20.0, expect_fail=False):
        """Starts and waits until loading is over. With expect_fail, waits for the exit instead
        and returns the exit code."""
        self.port = free_port()
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.argv(), stdout=log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, cwd=self.dir,
                                     preexec_fn=self.preexec_fn)
        log.close()
        deadline = time.monotonic() + timeout
        if expect_fail:
            try:
                return self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
                raise AssertionError("server did not exit: " + self.log_tail())
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("kv-server exited with %s: %s" % (self.proc.returncode,
                                                                     self.log_tail()))
            try:
                c = self.client()
                c.ping()
                # PING is allowed while loading; a data command is not.
                c.get("__aof_probe__")
                c.close()
                return self
            except (redis.exceptions.ConnectionError, redis.exceptions.BusyLoadingError):
                time.sleep(0.02)
            except redis.exceptions.ResponseError as e:
                if "LOADING" not in str(e):
                    raise
                time.sleep(0.02)
        self.kill()
        raise RuntimeError("kv-server not ready: " + self.log_tail())

    def client(self, **kw):
        c = redis.Redis(host=HOST, port=self.port, socket_timeout=10, **kw)
        # Compare the server's own status text, not redis-py's boolean.
        c.set_response_callback("BGREWRITEAOF", lambda r, **_: r)
        return c

    def stop(self, timeout=10.0):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=timeout)
        return self.proc.returncode if self.proc else None

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)

    def restart(self, **kw):
        self.stop()
        return self.start(**kw)

    def log_tail(self, n=4000):
        try:
            with open(self.log_path, "rb") as f:
                return f.read()[-n:].decode(errors="replace")
        except OSError:
            return ""

    def aof_dir(self):
        return os.path.join(self.dir, "appendonlydir")

    def cleanup(self):
        self.kill()
        if self.owns_dir:
            shutil.rmtree(self.dir, ignore_errors=True)
