"""Issue #16, configuration: a redis.conf written for Redis 7.0 (Debian's /etc/redis/redis.conf)
starts kv-server unchanged, daemonize and pidfile included; CONFIG REWRITE keeps such a file
loadable; a bad key stops start-up with Redis's text; enable-debug-command gates DEBUG."""

import os
import pathlib
import shutil
import signal
import subprocess
import tempfile
import time

import pytest

import resp
from harness import HOST, free_port, kv_server_path

DEBIAN_CONF = pathlib.Path("/etc/redis/redis.conf")
DEADLINE_S = 10.0


def kv_argv(_config):
    return [kv_server_path()]


def wait_for(predicate, what):
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def ping(port):
    try:
        with resp.RawClient(HOST, port, timeout=1.0) as c:
            return c.cmd("PING") == resp.Status(b"PONG")
    except (OSError, resp.ConnectionClosed, TimeoutError):
        return False


def process_gone(pid):
    try:
        os.kill(pid, 0)
        return False
    except ProcessLookupError:
        return True


@pytest.fixture
def workdir():
    d = tempfile.mkdtemp(prefix="kvtest-conf-")
    yield pathlib.Path(d)
    shutil.rmtree(d, ignore_errors=True)


def local_overrides(workdir, port):
    """What must differ from Debian's file on a test machine: where it listens and writes."""
    return ["--port", str(port), "--bind", HOST, "--dir", str(workdir),
            "--logfile", str(workdir / "kv.log"), "--pidfile", str(workdir / "kv.pid")]


@pytest.mark.skipif(not DEBIAN_CONF.is_file(), reason="Debian's redis.conf is not installed")
def test_debian_redis_conf_starts_daemonized(request, workdir):
    port = free_port()
    argv = kv_argv(request.config) + [str(DEBIAN_CONF)] + local_overrides(workdir, port)
    # daemonize yes (from the file): the launcher exits at once and the daemon keeps serving.
    launcher = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=30)
    assert launcher.returncode == 0, launcher.stderr.decode()
    pidfile = workdir / "kv.pid"
    pid = int(wait_for(lambda: pidfile.is_file() and pidfile.read_text().strip(), "the pidfile"))
    try:
        wait_for(lambda: ping(port), "PING on the daemon")
        with resp.RawClient(HOST, port) as c:
            assert c.cmd("CONFIG", "GET", "daemonize") == [b"daemonize", b"yes"]
            assert c.cmd("CONFIG", "GET", "tcp-backlog") == [b"tcp-backlog", b"511"]
            assert c.cmd("CONFIG", "GET", "client-output-buffer-limit") == [
                b"client-output-buffer-limit",
                b"normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"]
            assert c.cmd("CONFIG", "GET", "proc-title-template") == [
                b"proc-title-template", b"{title} {listen-addr} {server-mode}"]
            assert c.cmd("CONFIG", "GET", "notify-keyspace-events") == [
                b"notify-keyspace-events", b""]
            assert c.cmd("SET", "k", "v") == resp.Status(b"OK")
    finally:
        os.kill(pid, signal.SIGTERM)
    wait_for(lambda: process_gone(pid), "the daemon to exit")
    assert not pidfile.exists(), "the pidfile is removed on exit"


@pytest.mark.skipif(not DEBIAN_CONF.is_file(), reason="Debian's redis.conf is not installed")
def test_config_rewrite_of_debian_conf_reloads(request, workdir):
    conf = workdir / "redis.conf"
    shutil.copy(DEBIAN_CONF, conf)
    port = free_port()
    argv = kv_argv(request.config) + [str(conf)] + local_overrides(workdir, port) + [
        "--daemonize", "no"]
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: ping(port), "PING")
        with resp.RawClient(HOST, port) as c:
            assert c.cmd("CONFIG", "SET", "hash-max-ziplist-entries", "7", "save", "10 2",
                         "proc-title-template", "a {title} b") == resp.Status(b"OK")
            assert c.cmd("CONFIG", "REWRITE") == resp.Status(b"OK")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    text = conf.read_text()
    assert "hash-max-listpack-entries 7\n" in text
    assert "save 10 2\n" in text
    assert 'proc-title-template "a {title} b"\n' in text
    # The rewritten file starts a node with the same values (daemonize no from the file now).
    port = free_port()
    proc = subprocess.Popen(kv_argv(request.config) + [str(conf), "--port", str(port)],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: ping(port), "PING after the rewrite")
        with resp.RawClient(HOST, port) as c:
            assert c.cmd("CONFIG", "GET", "hash-max-ziplist-entries") == [
                b"hash-max-ziplist-entries", b"7"]
            assert c.cmd("CONFIG", "GET", "save") == [b"save", b"10 2"]
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_config_file_syntax(request, workdir):
    conf = workdir / "kv.conf"
    conf.write_text('save 900 1\nsave 300 10\nnotify-keyspace-events "KEA"\n'
                    "client-output-buffer-limit pubsub 1mb 2mb 3\n"
                    "hash-max-ziplist-value 1kb\nenable-debug-command local\n")
    port = free_port()
    proc = subprocess.Popen(kv_argv(request.config) + [str(conf), "--port", str(port), "--dir",
                                                       str(workdir)],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: ping(port), "PING")
        with resp.RawClient(HOST, port) as c:
            assert c.cmd("CONFIG", "GET", "save") == [b"save", b"900 1 300 10"]
            assert c.cmd("CONFIG", "GET", "notify-keyspace-events") == [
                b"notify-keyspace-events", b"AKE"]
            assert c.cmd("CONFIG", "GET", "client-output-buffer-limit-pubsub") == [
                b"client-output-buffer-limit-pubsub", b"1048576"]
            assert c.cmd("CONFIG", "GET", "hash-max-listpack-value") == [
                b"hash-max-listpack-value", b"1024"]
            # local: a loopback client may run DEBUG.
            assert c.cmd("DEBUG", "SLEEP", "0") == resp.Status(b"OK")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.parametrize("line, message", [
    ("no-such-key 1", "Bad directive or wrong number of arguments"),
    ("maxmemory-policy lru", "argument(s) must be one of the following"),
    ("save 900", "Invalid save parameters"),
    ("client-output-buffer-limit master 1 2 3", "Invalid client class"),
])
def test_bad_config_file_line_stops_startup(request, workdir, line, message):
    conf = workdir / "bad.conf"
    conf.write_text(f"port 0\n{line}\n")
    out = subprocess.run(kv_argv(request.config) + [str(conf)], stdin=subprocess.DEVNULL,
                         capture_output=True, timeout=30)
    assert out.returncode != 0
    err = out.stderr.decode()
    assert f"bad.conf:2: '{line}'" in err and message in err, err


def test_kvcache_cluster_keys_and_hidden_secret(nodes):
    """kvcache's own cluster-* keys shadow Redis's of the same name (one row each); Redis's other
    cluster-* keys are accepted without effect; cluster-secret is never listed."""
    node = nodes.one(cluster_secret="s3cret-value")
    with node.raw() as c:
        pairs = c.cmd("CONFIG", "GET", "cluster-*")
        got = dict(zip(pairs[::2], pairs[1::2]))
        assert len(got) * 2 == len(pairs), "no key is listed twice"
        assert got[b"cluster-node-timeout"] == b"1000"  # kvcache's default, not Redis's 15000
        for key in (b"cluster-enabled", b"cluster-join", b"cluster-vnodes",
                    b"cluster-announce-ip", b"cluster-announce-port",
                    b"cluster-announce-admin-port", b"cluster-port", b"cluster-config-file",
                    b"cluster-require-full-coverage", b"cluster-slave-validity-factor"):
            assert key in got, key
        assert b"cluster-secret" not in got
        everything = c.cmd("CONFIG", "GET", "*")
        names = everything[::2]
        assert b"cluster-secret" not in names
        assert len(names) == len(set(names)), "CONFIG GET * lists every key once"
        assert b"s3cret-value" not in everything
        assert c.cmd("CONFIG", "GET", "cluster-secret") == []
        assert c.cmd("CONFIG", "GET", "CLUSTER-SECRET", "cluster-se*") == []
        # maxmemory-policy: Redis's policies and kvcache's allkeys-tinylfu.
        err = c.cmd("CONFIG", "SET", "maxmemory-policy", "lru")
        assert err == resp.Error(
            b"ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - "
            b"argument(s) must be one of the following: volatile-lru, volatile-lfu, "
            b"volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, "
            b"noeviction, allkeys-tinylfu"), err
