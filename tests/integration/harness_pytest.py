"""pytest side of the harness: the --kv-server option, known failures, the node fixtures and the
server logs printed under a failed test. conftest.py here and admin/conftest.py import it all."""

import pathlib

import pytest

import harness

KNOWN_FAILURES = pathlib.Path(__file__).resolve().parent / "known_failures.txt"
SERVER_KINDS = ("redis", "kv")


def pytest_addoption(parser):
    parser.addoption("--kv-server", default=None,
                     help="kv-server binary (default: $KV_SERVER, else build/server/kv-server)")
    parser.addoption("--strict-kv", action="store_true",
                     help="ignore known_failures.txt: every kv-server difference fails")


def pytest_configure(config):
    harness.options["kv_server"] = config.getoption("--kv-server")


def _known_failures():
    """Test ids (file::test[params]) that kv-server is known to fail, one per line, # comments."""
    if not KNOWN_FAILURES.exists():
        return {}
    known = {}
    for line in KNOWN_FAILURES.read_text().splitlines():
        test_id, _, reason = line.partition("#")
        if test_id.strip():
            known[test_id.strip()] = reason.strip() or "known kv-server difference"
    return known


def pytest_collection_modifyitems(config, items):
    # Known differences still run; they are reported as xfail and a fixed one fails as
    # XPASS(strict), so the list cannot go stale. Remove a line when its test passes.
    if config.getoption("--strict-kv"):
        return
    known = _known_failures()
    for item in items:
        test_id = f"{pathlib.Path(item.fspath).name}::{item.name}"
        if test_id in known:
            item.add_marker(pytest.mark.xfail(reason=known[test_id], strict=True))


def pytest_runtest_setup(item):
    harness.ended_nodes.clear()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if not report.failed:
        return
    for node in harness.live_nodes + harness.ended_nodes:
        report.sections.append((f"log of {node!r} ({node.dir})", node.log_tail(80)))


# ---- fixtures ----------------------------------------------------------------------------------

class Nodes:
    """Starts nodes on demand and cleans them up (checked stop) at teardown."""

    def __init__(self):
        self.started = []

    def __call__(self, n=1, kind="kv", **config):
        nodes = harness.start_nodes(n, kind, **config)
        self.started += nodes
        return nodes

    def one(self, kind="kv", **config):
        return self(1, kind, **config)[0]

    def unstarted(self, kind="kv", **node_kw):
        """A Node not started yet (for spawn(), start_expecting_exit(), a given directory)."""
        node = harness.Node(kind, **node_kw)
        self.started.append(node)
        return node

    def cluster(self, n, **kw):
        nodes = harness.start_cluster(n, **kw)
        self.started += nodes
        return nodes

    def cleanup(self):
        errors = []
        for node in self.started:
            try:
                node.cleanup()
            except AssertionError as e:
                errors.append(str(e))
        if errors:
            pytest.fail("\n\n".join(errors), pytrace=False)


@pytest.fixture
def nodes():
    """nodes(n, kind='kv', **config) -> [Node]; nodes.one(...); nodes.unstarted(...);
    nodes.cluster(n, vnodes=, secret=). All stopped and checked at teardown."""
    factory = Nodes()
    yield factory
    factory.cleanup()


@pytest.fixture
def node(nodes):
    """One standalone kv-server."""
    return nodes.one()


@pytest.fixture
def server_factory(nodes):
    """server_factory(kind, extra_args=(), **config) -> a started Node."""
    def make(kind, extra_args=(), **config):
        return nodes.one(kind, args=list(extra_args), **config)
    return make


def _module_server(kind):
    s = harness.Node(kind).start()
    yield s
    if not s.alive():
        s.cleanup(check=False)
        pytest.fail(f"{s} died during the tests:\n{s.log_tail()}", pytrace=False)
    s.cleanup()


@pytest.fixture(scope="module")
def redis_server():
    yield from _module_server("redis")


@pytest.fixture(scope="module")
def kv_server():
    yield from _module_server("kv")


@pytest.fixture(scope="module", params=SERVER_KINDS)
def server(request):
    """The same test against redis-server (proving the expectation) and kv-server."""
    yield from _module_server(request.param)


@pytest.fixture(scope="module")
def servers():
    """redis-server and kv-server (two I/O threads) side by side: {'redis': Node, 'kv': Node}."""
    started = {"redis": harness.Node("redis").start(),
               "kv": harness.Node("kv", config={"io_threads": 2}).start()}
    yield started
    for s in started.values():
        s.cleanup()


@pytest.fixture(scope="module", params=SERVER_KINDS)
def pair(request):
    """(reference redis-server, candidate): the candidate is kv-server (two I/O threads) or, to
    prove the test itself deterministic, a second redis-server. Differential tests compare the
    two; a failure only with [kv] is a behaviour difference of kv-server."""
    config = {"io_threads": 2} if request.param == "kv" else {}
    started = [harness.Node("redis", name="reference").start(),
               harness.Node(request.param, config=config).start()]
    yield tuple(started)
    for s in started:
        s.cleanup()
