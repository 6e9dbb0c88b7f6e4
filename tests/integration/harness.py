"""The one launcher of the black-box tests: kv-server and redis-server nodes on loopback ports.

A Node owns one server process, its RESP port, its admin port (kv-server, when asked), its data
directory and its log. Every integration test, standalone or clustered, starts servers through
this module; the pytest side (fixtures, failure reports) is harness_pytest.py. The API is
described in README.md next to this file.

Rules it enforces so a test cannot pass by accident:
- binaries are found one way (kv_server_path, kvctl_path, redis_server_path) and a missing one
  fails the test with the package or target to install/build, never skips it;
- a start is retried only when a port was taken between choosing and binding it, never after a
  crash; a node that dies during start-up fails the test with its log;
- stop() sends SIGTERM, requires exit status 0 and scans the log for sanitizer reports and fatal
  lines; kill() (SIGKILL) skips the exit status but not the log scan.
"""

import functools
import os
import pathlib
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import pytest

import resp

HOST = "127.0.0.1"
REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 20.0
STOP_TIMEOUT_S = 20.0  # sanitizer builds write their leak report on exit
PORT_RETRIES = 5

# Set by harness_pytest from the command line (--kv-server); $KV_SERVER otherwise.
options = {"kv_server": None}

# Nodes that exist (not yet cleaned up) and nodes cleaned up during the current test: their logs
# go into the report of a failed test.
live_nodes = []
ended_nodes = []


# ---- binaries --------------------------------------------------------------------------------------

def missing(what, remedy):
    """A missing prerequisite fails the test: in `make test` nothing may silently not run."""
    pytest.fail(f"{what} is missing: {remedy}", pytrace=False)


def kv_server_path():
    path = options["kv_server"] or os.environ.get("KV_SERVER") or str(
        REPO_ROOT / "build" / "server" / "kv-server")
    if path == "none" or not os.access(path, os.X_OK):
        missing(f"kv-server ({path})", "build it (make build) or pass --kv-server=PATH / KV_SERVER")
    return os.path.abspath(path)


def kvctl_path():
    path = os.environ.get("KVCTL") or str(
        pathlib.Path(kv_server_path()).parent.parent / "ctl" / "kvctl")
    if not os.access(path, os.X_OK):
        missing(f"kvctl ({path})", "configure with -DKV_BUILD_ADMIN=ON and build, or set KVCTL")
    return path


@functools.lru_cache(maxsize=None)
def has_admin_plane(binary):
    """Whether this kv-server build has the admin plane (sanitizer builds compile it out)."""
    out = subprocess.run([binary, "--help"], capture_output=True, text=True, timeout=30)
    return "admin-port" in out.stdout + out.stderr


def redis_server_path():
    path = shutil.which("redis-server")
    if not path:
        missing("redis-server", "apt-get install redis-server (scripts/install-deps.sh)")
    return path


def tool_path(name, package):
    """Another program a test drives (strace, redis-benchmark...): from PATH, else a failure."""
    path = shutil.which(name)
    if not path:
        missing(name, f"apt-get install {package} (scripts/install-deps.sh)")
    return path


# ---- ports -----------------------------------------------------------------------------------------

_handed_out = set()


def free_port():
    """A loopback port nobody listens on now and that this process has not handed out before.
    Another process can still take it before the server binds: Node.start retries then."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind((HOST, 0))
            port = s.getsockname()[1]
        if port not in _handed_out:
            _handed_out.add(port)
            return port


def port_accepts(port):
    try:
        with socket.create_connection((HOST, port), timeout=0.5):
            return True
    except OSError:
        return False


# ---- waiting ---------------------------------------------------------------------------------------

def wait_for(predicate, timeout_s, what, interval_s=0.01):
    """Polls `predicate` until it returns something true (returned); fails after `timeout_s`.
    The synchronisation of every test: poll the state you wait for, never sleep a guess."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s}s waiting for {what}")
        time.sleep(interval_s)


# ---- logs ------------------------------------------------------------------------------------------

# Lines that fail a test whatever it expected: sanitizer reports, aborts, kv-server's critical
# level, Redis's crash report.
FATAL_LINE = re.compile(
    r"ERROR: (Address|Leak|Memory|Thread|UndefinedBehavior)Sanitizer|WARNING: ThreadSanitizer"
    r"|SUMMARY: \w*Sanitizer|runtime error: |AddressSanitizer:DEADLYSIGNAL|terminate called"
    r"|Assertion .* failed|\[critical\]|REDIS BUG REPORT|Guru Meditation")
# Sanitizer reports only: for runs the test expects to exit with an error (critical is expected).
SANITIZER_LINE = re.compile(
    r"ERROR: (Address|Leak|Memory|Thread|UndefinedBehavior)Sanitizer|WARNING: ThreadSanitizer"
    r"|SUMMARY: \w*Sanitizer|runtime error: |AddressSanitizer:DEADLYSIGNAL")
# The bind error of a port taken by someone else (kv-server: strerror; Redis: its own text).
PORT_TAKEN = re.compile(r"Address already in use|WITHOUT its admin plane")


def bad_lines(text, pattern):
    return [line for line in text.splitlines() if pattern.search(line)]


class ServerFailed(AssertionError):
    pass


# ---- nodes -----------------------------------------------------------------------------------------

def config_args(config):
    """{'appendonly': 'yes', 'io_threads': 2} -> ['--appendonly', 'yes', '--io-threads', '2']."""
    out = []
    for key, value in config.items():
        out += ["--" + key.replace("_", "-"), "" if value is None else str(value)]
    return out


class Node:
    """One server process. kind is 'kv' or 'redis'. `config` is a dict of config keys (underscores
    for dashes), `args` extra raw arguments, `admin` gives kv-server an admin port (token
    `admin_token`, passed as --admin-token unless `env` provides KVCACHE_ADMIN_TOKEN)."""

    def __init__(self, kind="kv", config=None, args=(), admin=False, admin_token=None,
                 directory=None, env=None, preexec_fn=None, name=None, admin_port=None,
                 config_file=None):
        assert kind in ("kv", "redis"), kind
        self.kind = kind
        self.config = dict(config or {})
        self.args = list(args)
        self.admin = admin
        self.admin_token = admin_token
        self.env = env
        self.config_file = config_file  # read first; the flags below override it, as in Redis
        self.preexec_fn = preexec_fn
        self.name = name or kind
        self.host = HOST
        self.owns_dir = directory is None
        self.dir = str(directory or tempfile.mkdtemp(prefix=f"kvtest-{kind}-"))
        self.log_path = os.path.join(self.dir, f"{self.name}.log")
        self.port = None
        # A given admin port is kept even when taken (a test of that case); else chosen free.
        self.fixed_admin_port = admin_port
        self.admin_port = None
        self.proc = None
        self.returncode = None
        self.paused = False
        self._log_checked = 0  # log bytes already scanned for fatal lines
        self._run_start = 0  # log offset where the current run's output begins
        self._log_text = None  # kept after cleanup() removes the directory
        self._redis = None
        self._channel = None
        live_nodes.append(self)

    # -- argv ---------------------------------------------------------------------------------------
    @property
    def resp_port(self):
        return self.port

    @property
    def password(self):
        return self.config.get("requirepass")

    def binary(self):
        return kv_server_path() if self.kind == "kv" else redis_server_path()

    def argv(self):
        argv = [self.binary()] + ([str(self.config_file)] if self.config_file else [])
        argv += ["--port", str(self.port), "--bind", HOST, "--dir", self.dir]
        if self.kind == "redis":
            argv += ["--save", "", "--appendonly", "no"]
        if self.admin_port is not None:
            argv += ["--admin-port", str(self.admin_port), "--admin-bind", HOST]
            if self.admin_token is not None and "KVCACHE_ADMIN_TOKEN" not in (self.env or {}):
                argv += ["--admin-token", self.admin_token]
        elif self.kind == "kv" and has_admin_plane(argv[0]):
            # Not the default 7379, which concurrent nodes would fight over: any free port.
            argv += ["--admin-port", "0", "--admin-bind", HOST]
        return argv + config_args(self.config) + self.args

    # -- life cycle ---------------------------------------------------------------------------------
    def spawn(self, keep_ports=False):
        """Starts the process and returns without waiting for it to be ready."""
        if not keep_ports or self.port is None:
            self.port = free_port()
            self.admin_port = (self.fixed_admin_port or free_port()) if self.admin else None
        self.close_clients()
        self._run_start = self._log_size()
        with open(self.log_path, "ab") as log:
            env = None if self.env is None else dict(os.environ, **self.env)
            self.proc = subprocess.Popen(self.argv(), stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, cwd=self.dir, env=env,
                                         preexec_fn=self.preexec_fn)
        self.returncode = None
        self.paused = False
        return self

    def start(self, timeout_s=START_TIMEOUT_S, keep_ports=False):
        """Starts and waits until a data command answers (the AOF is loaded). Retries with other
        ports only when the log says a port was taken; any other early exit fails the test."""
        for _ in range(PORT_RETRIES):
            self.spawn(keep_ports=keep_ports)
            try:
                return self.wait_ready(timeout_s)
            except ServerFailed:
                segment = self._log_since(self._run_start)
                if keep_ports or not PORT_TAKEN.search(segment):
                    raise
                self._reap_after_collision()
        raise ServerFailed(f"{self}: ports taken {PORT_RETRIES} times in a row\n{self.log_tail()}")

    def _reap_after_collision(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=STOP_TIMEOUT_S)
        self._log_checked = self._log_size()

    def wait_ready(self, timeout_s=START_TIMEOUT_S):
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise ServerFailed(f"{self} exited with {self.proc.returncode} during start-up:\n"
                                   f"{self.log_tail()}")
            if (self.admin and not self.fixed_admin_port
                    and PORT_TAKEN.search(self._log_since(self._run_start))):
                raise ServerFailed(f"{self}: admin port taken")
            if self._answers_ping():
                return self
            time.sleep(0.01)
        raise ServerFailed(f"{self} not ready after {timeout_s}s:\n{self.log_tail()}")

    def _answers_ping(self):
        try:
            with resp.RawClient(HOST, self.port, timeout=2.0) as c:
                if self.password is not None:
                    c.cmd("AUTH", self.password)
                # PING answers -LOADING until the AOF is loaded, as in Redis 7: PONG means ready.
                return c.cmd("PING") == resp.Status(b"PONG")
        except (OSError, resp.ConnectionClosed, TimeoutError):
            return False

    def start_expecting_exit(self, timeout_s=START_TIMEOUT_S):
        """Starts a node the test expects to refuse to start; returns its (non-zero) exit code.
        The run's log is still scanned for sanitizer reports."""
        self.spawn(keep_ports=self.port is not None)
        try:
            code = self.proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.kill()
            raise ServerFailed(f"{self} did not exit:\n{self.log_tail()}")
        self.returncode = code
        self._check_log(SANITIZER_LINE)
        return code

    def start_or_exit(self, timeout_s=START_TIMEOUT_S):
        """Starts a node that may either come up or refuse to start (a damaged AOF): returns None
        once it serves, or its exit code once it exited (its log scanned for sanitizer reports).
        A hang is a failure."""
        self.spawn(keep_ports=self.port is not None)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.returncode = self.proc.returncode
                self._check_log(SANITIZER_LINE)
                return self.returncode
            if self._answers_ping():
                return None
            time.sleep(0.01)
        self.kill()
        raise ServerFailed(f"{self} neither served nor exited in {timeout_s}s:\n{self.log_tail()}")

    def stop(self, check=True):
        """SIGTERM and wait. With `check`, the exit status must be 0 and the log free of fatal
        lines, else the test fails with the log. Returns the exit status."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            if self.paused:
                self.resume()
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=STOP_TIMEOUT_S)
                if check:
                    raise ServerFailed(f"{self} ignored SIGTERM for {STOP_TIMEOUT_S}s:\n"
                                       f"{self.log_tail()}")
            self.returncode = self.proc.returncode
            if check and self.returncode != 0:
                raise ServerFailed(f"{self} exited with {self.returncode} on SIGTERM:\n"
                                   f"{self.log_tail()}")
        elif self.returncode is None:
            # Ended on its own, not through kill(): SHUTDOWN exits 0, anything else is a crash.
            self.returncode = self.proc.returncode
            if check and self.returncode != 0:
                raise ServerFailed(f"{self} had exited with {self.returncode}:\n"
                                   f"{self.log_tail()}")
        if check:
            self._check_log(FATAL_LINE)
        self.close_clients()
        return self.returncode

    def kill(self):
        """SIGKILL: the crash the durability tests simulate. The log is still scanned."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=STOP_TIMEOUT_S)
        if self.proc is not None:
            self.returncode = self.proc.returncode
            self._check_log(SANITIZER_LINE)
        self.paused = False
        self.close_clients()

    def pause(self):
        """SIGSTOP: a node that hangs without closing its sockets."""
        self.proc.send_signal(signal.SIGSTOP)
        self.paused = True

    def resume(self):
        self.proc.send_signal(signal.SIGCONT)
        self.paused = False

    def restart(self, timeout_s=START_TIMEOUT_S):
        """stop() (checked) and start again on the same data dir and ports."""
        self.stop()
        return self.start(timeout_s=timeout_s, keep_ports=True)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def cleanup(self, check=True):
        """stop() and remove the data dir (the log text is kept for the failure report)."""
        try:
            self.stop(check=check)
        finally:
            self._log_text = self.log()
            if self.owns_dir:
                shutil.rmtree(self.dir, ignore_errors=True)
            if self in live_nodes:
                live_nodes.remove(self)
                ended_nodes.append(self)

    # -- logs ---------------------------------------------------------------------------------------
    def _log_size(self):
        try:
            return os.path.getsize(self.log_path)
        except OSError:
            return 0

    def _log_since(self, offset):
        try:
            with open(self.log_path, "rb") as f:
                f.seek(offset)
                return f.read().decode(errors="replace")
        except OSError:
            return ""

    def _check_log(self, pattern):
        segment = self._log_since(self._log_checked)
        self._log_checked += len(segment.encode(errors="replace"))
        bad = bad_lines(segment, pattern)
        if bad:
            raise ServerFailed(f"{self} logged fatal lines:\n" + "\n".join(bad[:20]) +
                               f"\n--- log tail ---\n{self.log_tail()}")

    def log(self):
        """The whole log of every run of this node."""
        if self._log_text is not None:
            return self._log_text
        return self._log_since(0)

    def log_tail(self, n=40):
        return "\n".join(self.log().splitlines()[-n:])

    # -- clients ------------------------------------------------------------------------------------
    def client(self, protocol=2, **kwargs):
        """A new redis-py client, authenticated when the node has requirepass."""
        import inspect
        import redis  # Debian's python3-redis
        if protocol != 2:
            if "protocol" not in inspect.signature(redis.Redis.__init__).parameters:
                # Not a missing package: Debian 12's redis-py (4.3) predates RESP3 support.
                pytest.skip(f"redis-py {redis.__version__} has no protocol= argument (RESP3)")
            kwargs["protocol"] = protocol
        if self.password is not None:
            kwargs.setdefault("password", self.password)
        c = redis.Redis(host=HOST, port=self.port, socket_timeout=10, **kwargs)
        # Compare the server's own status text, not redis-py's boolean.
        c.set_response_callback("BGREWRITEAOF", lambda r, **_: r)
        return c

    @property
    def redis(self):
        """One shared redis-py client of this node (created on first use)."""
        if self._redis is None:
            self._redis = self.client()
        return self._redis

    def raw(self, timeout=10.0):
        """The raw RESP client (resp.RawClient): exact reply bytes."""
        return resp.RawClient(HOST, self.port, timeout=timeout)

    def close_clients(self):
        if self._redis is not None:
            self._redis.close()
            self._redis = None
        if self._channel is not None:
            self._channel.close()
            self._channel = None

    # -- admin plane --------------------------------------------------------------------------------
    def kvctl(self, *args, token=..., timeout_s=30):
        """Runs kvctl against this node's admin port; returns the CompletedProcess."""
        token = self.admin_token if token is ... else token
        cmd = [kvctl_path(), "--addr", f"{HOST}:{self.admin_port}", "--timeout", str(timeout_s)]
        if token is not None:
            cmd += ["--token", token]
        return subprocess.run(cmd + list(args), capture_output=True, text=True,
                              timeout=timeout_s + 10)

    def kvctl_json(self, *args, **kw):
        import json
        r = self.kvctl("--json", *args, **kw)
        assert r.returncode == 0, f"kvctl {args}: rc {r.returncode}: {r.stderr}"
        return json.loads(r.stdout)

    def grpc_channel(self):
        if self._channel is None:
            import grpc
            # Short reconnect backoff: a probe that came too early must not wait a second.
            self._channel = grpc.insecure_channel(f"{HOST}:{self.admin_port}", options=[
                ("grpc.initial_reconnect_backoff_ms", 20), ("grpc.min_reconnect_backoff_ms", 20),
                ("grpc.max_reconnect_backoff_ms", 100)])
        return self._channel

    def aof_dir(self):
        return os.path.join(self.dir, "appendonlydir")

    def __repr__(self):
        admin = f" admin :{self.admin_port}" if self.admin_port else ""
        return f"<{self.name}-server :{self.port}{admin}>"


def start_nodes(n, kind="kv", **config):
    """Starts n nodes of `kind` with the same settings; Node keywords (args, admin, admin_token,
    env, preexec_fn) go to Node, anything else is a config key. Stops the started ones if one
    fails."""
    node_keys = {"args", "admin", "admin_token", "env", "preexec_fn", "config_file"}
    node_kw = {k: config.pop(k) for k in list(config) if k in node_keys}
    nodes = []
    try:
        for i in range(n):
            nodes.append(Node(kind, config=config, name=f"{kind}{i}", **node_kw).start())
    except BaseException:
        for node in nodes:
            node.cleanup(check=False)
        raise
    return nodes


def info_field(target, section, name):
    """One INFO field of a Node or a port, as text (None when absent)."""
    node = target if isinstance(target, Node) else None
    port = node.port if node else target
    with resp.RawClient(HOST, port) as c:
        if node is not None and node.password is not None:
            c.cmd("AUTH", node.password)
        info = c.cmd("INFO", section).decode()
    found = re.search(rf"^{name}:(.*?)\r?$", info, re.M)
    return found.group(1) if found else None


def blocked_clients(target):
    """INFO clients' blocked_clients of a Node or port: what a test polls to know that a client
    is blocked (instead of guessing from a silence)."""
    return int(info_field(target, "clients", "blocked_clients"))


def wait_blocked(target, count, timeout_s=10):
    """Waits until exactly `count` clients of a Node or port are blocked (BLPOP & co, WAIT...)."""
    wait_for(lambda: blocked_clients(target) == count, timeout_s,
             f"{count} blocked client(s) on {target}")


# ---- cluster ---------------------------------------------------------------------------------------
# PROVISIONAL (issue #11): written against the spec before the cluster exists. The config
# keys (cluster-enabled, cluster-secret, cluster-join, cluster-vnodes) and CLUSTER INFO's fields
# (cluster_state, cluster_known_nodes, cluster_current_epoch) are as specified there; fix this one
# function when the cluster lands if the implementation differs.

CLUSTER_TIMEOUT_S = 30.0


def cluster_info(node):
    with node.raw() as c:
        reply = c.cmd("CLUSTER", "INFO")
    if isinstance(reply, resp.Error):
        return {}
    return dict(line.split(":", 1) for line in reply.decode().splitlines() if ":" in line)


def start_cluster(n, vnodes=128, secret="cluster-test-secret", timeout_s=CLUSTER_TIMEOUT_S,
                  **config):
    """Starts n kv-server nodes in one cluster: node 0 bootstraps, the others join it through its
    admin port. Returns the nodes once every one reports cluster_state:ok, n known nodes and the
    same current epoch."""
    base = dict(config, cluster_enabled="yes", cluster_secret=secret, cluster_vnodes=vnodes)
    admin = dict(admin=True, admin_token=config.pop("admin_token", "cluster-test-admin-token"))
    nodes = []
    try:
        nodes.append(Node("kv", config=base, name="node0", **admin).start())
        join = f"{HOST}:{nodes[0].admin_port}"
        for i in range(1, n):
            nodes.append(Node("kv", config=dict(base, cluster_join=join), name=f"node{i}",
                              **admin).start())

        def converged():
            infos = [cluster_info(node) for node in nodes]
            return (all(i.get("cluster_state") == "ok" for i in infos)
                    and all(i.get("cluster_known_nodes") == str(n) for i in infos)
                    and len({i.get("cluster_current_epoch") for i in infos}) == 1)

        wait_for(converged, timeout_s, f"{n} nodes to agree on one cluster")
    except BaseException:
        for node in nodes:
            node.cleanup(check=False)
        raise
    return nodes
