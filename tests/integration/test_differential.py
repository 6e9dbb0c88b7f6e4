"""Differential tests: every script in scripts/ runs on redis-server (the reference) and on a
candidate, and their replies must match (see differential.py for the script format).

The candidate is kv-server, and also a second redis-server: that run proves each script is
deterministic, so a failure against kv-server is a real behaviour difference. One pytest test per
script file keeps failures granular; scripts for commands kv-server does not implement yet simply
fail until it does.

To read what a script does on Redis:
    /usr/bin/python3 tests/integration/test_differential.py scripts/strings.txt
"""

import pathlib
import sys

import pytest

import differential
import resp
from harness import Node

SCRIPTS_DIR = pathlib.Path(__file__).resolve().parent / "scripts"
SCRIPTS = sorted(SCRIPTS_DIR.glob("*.txt"))


class Fresh:
    """A server that is emptied before each script: FLUSHALL, or a restart if FLUSHALL fails."""

    def __init__(self, kind):
        self.kind = kind
        self.server = Node(kind).start()

    def fresh(self):
        with self.server.raw() as c:
            if c.cmd("FLUSHALL") == b"OK":
                return self.server
        self.server.cleanup()
        self.server = Node(self.kind).start()
        return self.server

    def cleanup(self):
        self.server.cleanup()


@pytest.fixture(scope="module")
def reference():
    f = Fresh("redis")
    yield f
    f.cleanup()


@pytest.fixture(scope="module", params=["redis", "kv"])
def candidate(request):
    f = Fresh(request.param)
    yield f
    f.cleanup()


def flush(server):
    with server.raw() as c:
        c.cmd("FLUSHALL")


def test_scripts_exist():
    assert len(SCRIPTS) >= 10, SCRIPTS


@pytest.mark.parametrize("script", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_script(reference, candidate, script):
    steps = differential.parse_script(script.read_text())
    reference, candidate = reference.fresh(), candidate.fresh()
    diffs = differential.run_script(steps, reference, candidate)
    if not candidate.alive():
        diffs.append(f"{candidate} died:\n{candidate.log_tail()}")
    if diffs:
        pytest.fail(f"{script.name}: {len(diffs)} difference(s) between redis-server and "
                    f"{candidate.kind}-server (first differing command first):\n" +
                    "\n".join(diffs), pytrace=False)


# ---- the comparison rules themselves, without servers ----

def _reply(raw):
    value, end = resp.parse(raw)
    assert end == len(raw)
    return value, raw


def _step(line):
    return differential.parse_script(line)[0]


def test_exact_comparison_sees_type_differences():
    step = _step("GET k")
    assert differential.same(step, _reply(b"$2\r\nOK\r\n"), _reply(b"$2\r\nOK\r\n"))
    assert not differential.same(step, _reply(b"$2\r\nOK\r\n"), _reply(b"+OK\r\n"))
    assert not differential.same(step, _reply(b"$-1\r\n"), _reply(b"*-1\r\n"))


def test_sort_marker_compares_multisets():
    step = _step("@sort SMEMBERS s")
    a = _reply(b"*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nb\r\n")
    assert differential.same(step, a, _reply(b"*3\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nb\r\n"))
    assert not differential.same(step, a, _reply(b"*3\r\n$1\r\na\r\n$1\r\na\r\n$1\r\nb\r\n"))
    assert not differential.same(step, a, _reply(b"~3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nb\r\n"))


def test_pairs_marker_keeps_field_value_bindings():
    step = _step("@pairs HGETALL h")
    a = _reply(b"*4\r\n$1\r\nf\r\n$1\r\n1\r\n$1\r\ng\r\n$1\r\n2\r\n")
    assert differential.same(step, a, _reply(b"*4\r\n$1\r\ng\r\n$1\r\n2\r\n$1\r\nf\r\n$1\r\n1\r\n"))
    assert not differential.same(
        step, a, _reply(b"*4\r\n$1\r\nf\r\n$1\r\n2\r\n$1\r\ng\r\n$1\r\n1\r\n"))
    m = _reply(b"%2\r\n$1\r\nf\r\n$1\r\n1\r\n$1\r\ng\r\n$1\r\n2\r\n")
    assert differential.same(step, m, _reply(b"%2\r\n$1\r\ng\r\n$1\r\n2\r\n$1\r\nf\r\n$1\r\n1\r\n"))


def test_approx_marker_bounds_the_difference():
    step = _step("@approx 1 TTL k")
    assert differential.same(step, _reply(b":100\r\n"), _reply(b":99\r\n"))
    assert not differential.same(step, _reply(b":100\r\n"), _reply(b":98\r\n"))
    assert not differential.same(step, _reply(b":100\r\n"), _reply(b"$3\r\n100\r\n"))
    assert not differential.same(step, _reply(b":-2\r\n"), _reply(b"-ERR x\r\n"))


def test_failed_reply_never_matches():
    for line in ("GET k", "@type GET k", "@sort KEYS *", "@approx 1 TTL k"):
        step = _step(line)
        assert not differential.same(step, _reply(b"$-1\r\n"),
                                     (differential.FAILED, b"<ConnectionClosed>"))


def test_script_parsing():
    steps = differential.parse_script(
        '# comment\n\nSET k "a b"\n["SET", b"\\x00", "v"]\n@sleep 0.1\n@conn other\n'
        '@send BLPOP l 0\n@recv\n@approx 2 TTL k\n')
    assert [s.args for s in steps if s.args] == [
        [b"SET", b"k", b"a b"], [b"SET", b"\x00", b"v"], [b"BLPOP", b"l", b"0"], [b"TTL", b"k"]]
    assert [s.marker for s in steps] == [None, None, "sleep", "conn", "send", "recv", "approx"]
    with pytest.raises(differential.ScriptError):
        differential.parse_script("@bogus GET k")
    with pytest.raises(differential.ScriptError):
        differential.parse_script('SET k "unbalanced')


def test_all_scripts_parse():
    for path in SCRIPTS:
        assert differential.parse_script(path.read_text()), path


def _dump(paths):
    """Prints each command with redis-server's raw reply."""
    server = Node("redis").start()
    try:
        for path in paths:
            flush(server)
            print(f"=== {path}")
            for step, raw in differential.run_single(
                    differential.parse_script(pathlib.Path(path).read_text()), server):
                print(f"{step.lineno:4d} {step.text}\n       -> {raw!r}")
    finally:
        server.cleanup()


if __name__ == "__main__":
    _dump(sys.argv[1:])
