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
from conftest import make_server

SCRIPTS_DIR = pathlib.Path(__file__).resolve().parent / "scripts"
SCRIPTS = sorted(SCRIPTS_DIR.glob("*.txt"))


@pytest.fixture(scope="module")
def reference(request):
    s = make_server(request.config, "redis")
    yield s
    s.cleanup()


@pytest.fixture(scope="module", params=["redis", "kv"])
def candidate(request):
    s = make_server(request.config, request.param)
    yield s
    s.cleanup()


def flush(server):
    with server.raw() as c:
        c.cmd("FLUSHALL")


def test_scripts_exist():
    assert len(SCRIPTS) >= 10, SCRIPTS


@pytest.mark.parametrize("script", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_script(reference, candidate, script):
    steps = differential.parse_script(script.read_text())
    for s in (reference, candidate):
        flush(s)
    diffs = differential.run_script(steps, reference, candidate)
    if not candidate.alive():
        diffs.append(f"{candidate} died:\n{candidate.log_tail()}")
    if diffs:
        pytest.fail(f"{script.name}: {len(diffs)} difference(s) between redis-server and "
                    f"{candidate.kind}-server (first differing command first):\n" +
                    "\n".join(diffs), pytrace=False)


def _dump(paths):
    """Prints each command with redis-server's raw reply."""
    import conftest

    class Config:
        def getoption(self, name):
            return None

    server = conftest.make_server(Config(), "redis")
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
