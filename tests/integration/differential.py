"""Runs command scripts against two servers and compares their RESP replies one by one.

Script format (tests/integration/scripts/*.txt), one step per line:

    SET k "hello world"          a command, split with shell-like quoting (shlex)
    ["SET", b"k\\x00", "v"]      a command as a Python list literal (str or bytes items)
    ["SET", "k" * 10000, "v"]    ... where an item may be a literal repeated with * (or joined with +)
    # text                       a comment; blank lines are ignored

A command may be prefixed by one marker that changes how its replies are compared:

    @sort CMD ...      the reply is a collection in unspecified order: compare as a sorted multiset
    @pairs CMD ...     like @sort, but elements are (field, value) pairs: HGETALL, ZRANGE WITHSCORES
    @approx N CMD ...  integer (or number) replies may differ by at most N: TTL, PTTL, EXPIRETIME
    @type CMD ...      only the RESP type of the reply must match: RANDOMKEY over several keys
    @scan CMD ...      iterate a SCAN/SSCAN/HSCAN/ZSCAN to cursor 0 and compare the union of elements

and these lines are directives, not commands:

    @sleep SECONDS     sleep (bounded to 2 s) before the next line, to let a key expire (time is
                       the stimulus there; never use it to wait for the server)
    @blocked N         wait until the server counts N blocked clients (INFO blocked_clients), e.g.
                       after an @send BLPOP, before the push that must wake it
    @conn NAME         send the following commands on connection NAME (created on first use);
                       the first connection is called "main"
    @send CMD ...      send a command without waiting for its reply (e.g. a BLPOP that blocks)
    @recv              read the next pending reply of the current connection and compare it exactly

Replies without a marker must be byte-identical.
"""

import ast
import os
import shlex
import time

import resp
from harness import wait_blocked

MAX_SLEEP_S = 2.0
MAX_SCAN_CALLS = 10000
# KV_DIFF_MAX raises the number of differences listed per script (default 15).
MAX_REPORTED_DIFFS = int(os.environ.get("KV_DIFF_MAX", "15"))
SCAN_CURSOR_INDEX = {"SCAN": 1, "SSCAN": 2, "HSCAN": 2, "ZSCAN": 2}
PAIR_SCANS = {"HSCAN", "ZSCAN"}


class ScriptError(Exception):
    pass


class Step:
    def __init__(self, lineno, text, marker=None, marker_arg=None, args=None):
        self.lineno = lineno
        self.text = text
        self.marker = marker
        self.marker_arg = marker_arg
        self.args = args


def _to_bytes(item):
    if isinstance(item, bytes):
        return item
    if isinstance(item, (str, int)):
        return str(item).encode()
    raise ScriptError(f"unsupported argument {item!r}")


def _literal(node):
    """A str/bytes/int literal, or a literal repeated with `*` ("k" * 10000) for long arguments."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mult, ast.Add)):
        left, right = _literal(node.left), _literal(node.right)
        return left * right if isinstance(node.op, ast.Mult) else left + right
    return ast.literal_eval(node)


def parse_command(text):
    text = text.strip()
    if text.startswith("["):
        tree = ast.parse(text, mode="eval").body
        if not isinstance(tree, ast.List):
            raise ScriptError("a bracketed line must be a Python list")
        return [_to_bytes(_literal(node)) for node in tree.elts]
    return [a.encode() for a in shlex.split(text, posix=True)]


def parse_script(source):
    steps = []
    for lineno, line in enumerate(source.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        try:
            if stripped.startswith("@"):
                word, _, rest = stripped.partition(" ")
                marker = word[1:]
                if marker in ("sleep", "conn", "recv", "blocked"):
                    steps.append(Step(lineno, stripped, marker, rest.strip()))
                    continue
                arg = None
                if marker == "approx":
                    tol, _, rest = rest.strip().partition(" ")
                    arg = float(tol)
                elif marker not in ("sort", "pairs", "type", "scan", "send"):
                    raise ScriptError(f"unknown marker @{marker}")
                steps.append(Step(lineno, stripped, marker, arg, parse_command(rest)))
            else:
                steps.append(Step(lineno, stripped, args=parse_command(stripped)))
        except (ValueError, SyntaxError, ScriptError) as exc:
            raise ScriptError(f"line {lineno}: {exc}: {line!r}") from exc
        if steps[-1].args is not None and not steps[-1].args:
            raise ScriptError(f"line {lineno}: empty command")
    return steps


def canon(value):
    """A comparable, hashable form of a decoded reply that keeps every RESP type distinct."""
    if value is None:
        return ("nil",)
    if isinstance(value, resp.Null):
        return ("_",)
    if isinstance(value, bool):
        return ("#", value)
    if isinstance(value, resp.BigNumber):
        return ("(", int(value))
    if isinstance(value, int):
        return (":", value)
    if isinstance(value, resp.Double):
        return (",", repr(float(value)))
    if isinstance(value, resp.Verbatim):
        return ("=", value.format, bytes(value))
    for cls in (resp.Status, resp.Error, resp.BlobError):
        if isinstance(value, cls):
            return (cls.kind, bytes(value))
    if isinstance(value, bytes):
        return ("$", value)
    if isinstance(value, resp.Map):
        return ("%",) + tuple((canon(k), canon(v)) for k, v in value)
    if isinstance(value, resp.Attributed):
        return ("|", canon(value.attributes), canon(value.value))
    for cls in (resp.Set, resp.Push):
        if isinstance(value, cls):
            return (cls.kind,) + tuple(canon(v) for v in value)
    if isinstance(value, list):
        return ("*",) + tuple(canon(v) for v in value)
    raise TypeError(f"cannot canonicalise {value!r}")


def _sorted(items):
    return tuple(sorted(items, key=repr))


def _pairs(items):
    if len(items) % 2:
        return None
    return [(items[i], items[i + 1]) for i in range(0, len(items), 2)]


def normalise(step, value):
    """The form of `value` that is compared for `step` (after its marker is applied)."""
    c = canon(value)
    if step.marker == "type":
        return (c[0],)
    if step.marker == "sort" and c[0] in ("*", "~", "%"):
        return (c[0], "sorted") + _sorted(c[1:])
    if step.marker == "pairs":
        if c[0] == "%":
            return ("%", "sorted") + _sorted(c[1:])
        if c[0] == "*":
            elements = c[1:]
            # RESP3 WITHSCORES replies are arrays of [member, score] arrays, RESP2 ones are flat.
            if all(e[0] == "*" and len(e) == 3 for e in elements):
                return ("*", "sorted-nested") + _sorted(elements)
            pairs = _pairs(elements)
            if pairs is not None:
                return ("*", "sorted-pairs") + _sorted(pairs)
    return c


def _number(c):
    if c[0] in (":", "(", ","):
        return float(c[1])
    if c[0] == "$":
        try:
            return float(c[1])
        except ValueError:
            return None
    return None


def same(step, expected, got):
    """Compares two raw replies for `step`; returns True when they match."""
    (exp_value, exp_raw), (got_value, got_raw) = expected, got
    if step.marker is None or FAILED in (exp_value, got_value):
        return exp_raw == got_raw
    exp_n, got_n = normalise(step, exp_value), normalise(step, got_value)
    if step.marker == "approx":
        a, b = _number(exp_n), _number(got_n)
        if a is not None and b is not None and exp_n[0] == got_n[0]:
            return abs(a - b) <= step.marker_arg
    return exp_n == got_n


class _Failed:
    """The value of a reply that never came (closed connection, timeout, garbage)."""

    def __repr__(self):
        return "FAILED"


FAILED = _Failed()


class Session:
    """The named connections of one script run against one server."""

    def __init__(self, server, timeout):
        self.server = server
        self.timeout = timeout
        self.conns = {}
        self.current = "main"
        self.broken = None

    def conn(self):
        if self.current not in self.conns:
            self.conns[self.current] = resp.RawClient(self.server.host, self.server.port,
                                                      timeout=self.timeout)
        return self.conns[self.current]

    def close(self):
        for c in self.conns.values():
            c.close()

    def call(self, args):
        """Sends one command; returns (value, raw), or (FAILED, b"<description>")."""
        if self.broken:
            return FAILED, b"<" + self.broken.encode() + b">"
        try:
            c = self.conn()
            c.send(resp.encode_command(*args))
            return c.read_raw()
        except (OSError, resp.ConnectionClosed, TimeoutError, resp.ProtocolViolation) as exc:
            self.broken = f"{type(exc).__name__}: {exc}"
            return FAILED, b"<" + self.broken.encode() + b">"

    def send_only(self, args):
        if self.broken:
            return
        try:
            self.conn().send(resp.encode_command(*args))
        except OSError as exc:
            self.broken = f"{type(exc).__name__}: {exc}"

    def recv(self):
        """Reads one pending reply on the current connection; same result shape as call()."""
        if self.broken:
            return FAILED, b"<" + self.broken.encode() + b">"
        try:
            return self.conn().read_raw()
        except (OSError, resp.ConnectionClosed, TimeoutError, resp.ProtocolViolation) as exc:
            self.broken = f"{type(exc).__name__}: {exc}"
            return FAILED, b"<" + self.broken.encode() + b">"

    def scan(self, args):
        """Runs a full SCAN-family iteration; returns (normalised union, description)."""
        name = args[0].decode().upper()
        idx = SCAN_CURSOR_INDEX.get(name)
        if idx is None or len(args) <= idx:
            raise ScriptError(f"@scan needs a SCAN-family command with a cursor: {args!r}")
        args = list(args)
        elements = set()
        for _ in range(MAX_SCAN_CALLS):
            value, raw = self.call(args)
            if not (isinstance(value, list) and len(value) == 2 and isinstance(value[1], list)):
                return (value, raw)  # an error or a malformed reply: compared as such
            cursor, items = value
            if name in PAIR_SCANS:
                pairs = _pairs([canon(i) for i in items])
                if pairs is None:
                    return (FAILED, b"<odd-length reply> " + raw)
                elements.update(pairs)
            else:
                elements.update(canon(i) for i in items)
            if cursor == b"0":
                break
            args[idx] = cursor
        else:
            return (FAILED, b"<SCAN did not finish in %d calls>" % MAX_SCAN_CALLS)
        union = ("scan-union",) + _sorted(elements)
        return (union, repr(union).encode())


def describe(raw):
    return repr(raw if len(raw) < 400 else raw[:400] + b"...")


def run_script(steps, reference, candidate, timeout=5.0):
    """Runs `steps` on both servers; returns a list of human-readable differences."""
    sessions = [Session(reference, timeout), Session(candidate, timeout)]
    diffs = []
    try:
        for step in steps:
            if step.marker == "sleep":
                time.sleep(min(float(step.marker_arg), MAX_SLEEP_S))
                continue
            if step.marker == "blocked":
                for s in sessions:
                    wait_blocked(s.server, int(step.marker_arg))
                continue
            if step.marker == "conn":
                for s in sessions:
                    s.current = step.marker_arg
                continue
            if step.marker == "send":
                for s in sessions:
                    s.send_only(step.args)
                continue
            if step.marker == "recv":
                exp, got = (s.recv() for s in sessions)
                ok = exp[1] == got[1]
            elif step.marker == "scan":
                exp, got = (s.scan(step.args) for s in sessions)
                ok = exp[1] == got[1]  # raw reply, or the repr of the sorted union
            else:
                exp = sessions[0].call(step.args)
                got = sessions[1].call(step.args)
                ok = same(step, exp, got)
            if sessions[0].broken:
                raise ScriptError(f"line {step.lineno}: the reference server failed: "
                                  f"{sessions[0].broken} ({step.text})")
            if not ok:
                text = step.text if len(step.text) < 200 else step.text[:200] + "..."
                diffs.append(f"line {step.lineno}: {text}\n"
                             f"    expected: {describe(exp[1])}\n"
                             f"    got:      {describe(got[1])}")
                if len(diffs) >= MAX_REPORTED_DIFFS or sessions[1].broken:
                    break
    finally:
        for s in sessions:
            s.close()
    return diffs


def run_single(steps, server, timeout=5.0):
    """Runs `steps` on one server and returns (step, raw reply) pairs: for reading a script."""
    session = Session(server, timeout)
    out = []
    try:
        for step in steps:
            if step.marker == "sleep":
                time.sleep(min(float(step.marker_arg), MAX_SLEEP_S))
            elif step.marker == "blocked":
                wait_blocked(server, int(step.marker_arg))
            elif step.marker == "conn":
                session.current = step.marker_arg
            elif step.marker == "send":
                session.send_only(step.args)
            elif step.marker == "recv":
                out.append((step, session.recv()[1]))
            elif step.marker == "scan":
                out.append((step, session.scan(step.args)[1]))
            else:
                out.append((step, session.call(step.args)[1]))
    finally:
        session.close()
    return out
