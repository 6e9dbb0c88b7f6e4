"""appendfsync always, proven on the system calls: no reply to a write leaves before the fsync that
covers its AOF record. SIGKILL cannot show a missing fsync (the page cache survives it), so the
order is read from strace: kv-server is traced (-f, every thread, -yy for file and socket names)
while one client sends SETs one at a time, and for each SET the trace must show, in this order,
the write of its record to the incremental AOF file, an fsync/fdatasync of that file that started
after the write and returned, and only then the write of "+OK" to the client's socket.

Proven to fail on a server that replies before the fsync: configure with
-DKV_FAULT_REPLY_BEFORE_FSYNC=ON (a test-only fault build, see server/aof/aof.cc) and this test
reports the replies that left early."""

import re
import signal
import subprocess

import pytest

from harness import tool_path, wait_for

WRITES = 200
SYSCALLS = "write,pwrite64,writev,sendto,sendmsg,fsync,fdatasync"
# "123 fdatasync(7</path/appendonly.aof.1.incr.aof>) = 0", "<unfinished ...>", "<... resumed>"
LINE = re.compile(r"^(\d+)\s+(?:<\.\.\. (\w+) resumed>|(\w+)\()(.*)$")
FD = re.compile(r"^(\d+)<(.+?)>[,) ]")


def parse_events(text, client_port):
    """The trace as ordered events: ('aof_write', ids), ('sync_start', tid), ('sync_end', tid),
    ('reply', count of +OK). ids are the probe numbers whose records the write carried."""
    events = []
    syncing = {}  # tid -> whether its unfinished call is an fsync of the AOF
    for line in text.splitlines():
        m = LINE.match(line)
        if not m:
            continue
        tid, resumed, call, rest = m.group(1), m.group(2), m.group(3), m.group(4)
        if resumed:
            if syncing.pop(tid, False) and "= 0" in rest:
                events.append(("sync_end", tid))
            continue
        fd = FD.match(rest)
        target = fd.group(2) if fd else ""
        if call in ("fsync", "fdatasync") and ".incr.aof" in target:
            events.append(("sync_start", tid))
            if "<unfinished ...>" in rest:
                syncing[tid] = True
            elif rest.rstrip().endswith("= 0"):
                events.append(("sync_end", tid))
        elif ".incr.aof" in target and call in ("write", "pwrite64", "writev"):
            ids = [int(x) for x in re.findall(r"probe:(\d+)", rest)]
            if ids:
                events.append(("aof_write", ids))
        elif f":{client_port}]" in target and f"->127.0.0.1:{client_port}" in target:
            count = rest.count("+OK")
            if count:
                events.append(("reply", count))
    return events


def early_replies(events):
    """Numbers of the writes whose reply left before an fsync covering their record returned."""
    written = set()  # records written, not yet known durable
    covering = {}  # tid -> records written before its fsync started
    durable = set()
    replies = 0
    early = []
    for kind, arg in events:
        if kind == "aof_write":
            written.update(arg)
        elif kind == "sync_start":
            covering[arg] = set(written)
        elif kind == "sync_end":
            durable |= covering.pop(arg, set())
            written -= durable
        else:
            for _ in range(arg):
                if replies not in durable:
                    early.append(replies)
                replies += 1
    return early, replies


@pytest.fixture
def traced_node(nodes, tmp_path):
    strace = tool_path("strace", "strace")
    node = nodes.one("kv", appendonly="yes", appendfsync="always")
    trace = tmp_path / "trace.txt"
    err = open(tmp_path / "strace.err", "w+")
    proc = subprocess.Popen([strace, "-f", "-yy", "-s", "4096", "-e", f"trace={SYSCALLS}",
                             "-o", str(trace), "-p", str(node.proc.pid)],
                            stdout=subprocess.DEVNULL, stderr=err)

    def attached():  # "strace: Process N attached with T threads", once all are traced
        err.seek(0)
        return "attached" in err.read()
    wait_for(attached, 30, "strace to attach to every thread")
    yield node, trace
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)  # detaches from the node
        proc.wait(timeout=30)
    err.close()


def test_no_reply_before_its_fsync(traced_node):
    node, trace = traced_node
    with node.raw() as c:
        client_port = c.sock.getsockname()[1]
        for i in range(WRITES):
            assert c.call("SET", f"probe:{i}", "v") == b"+OK\r\n"
        # The trace file is written as calls happen; wait until it holds the last reply.
        wait_for(lambda: trace.read_text().count("+OK") >= WRITES, 30,
                 "the trace to show every reply")
    events = parse_events(trace.read_text(), client_port)
    early, replies = early_replies(events)
    syncs = sum(1 for kind, _ in events if kind == "sync_end")
    print(f"{replies} replies, {syncs} fsyncs of the AOF, {len(early)} replies before their fsync")
    assert replies == WRITES, f"read {replies} replies from the trace"
    assert syncs >= 1
    assert not early, f"replies that left before their record was fsynced: {early[:20]}"


def test_the_checker_sees_an_early_reply():
    """The checker itself, on a hand-written trace where the reply precedes the fsync."""
    port = 40000
    sock = f"9<TCP:[127.0.0.1:6379->127.0.0.1:{port}]>"
    aof = "7</d/appendonlydir/appendonly.aof.1.incr.aof>"
    good = (f'10 write({aof}, "*3\\r\\n$3\\r\\nSET\\r\\n$7\\r\\nprobe:0\\r\\n", 30) = 30\n'
            f"10 fdatasync({aof}) = 0\n"
            f'11 write({sock}, "+OK\\r\\n", 5) = 5\n')
    bad = (f'10 write({aof}, "*3\\r\\n$3\\r\\nSET\\r\\n$7\\r\\nprobe:0\\r\\n", 30) = 30\n'
           f"10 fdatasync({aof} <unfinished ...>\n"
           f'11 write({sock}, "+OK\\r\\n", 5) = 5\n'
           f"10 <... fdatasync resumed>) = 0\n")
    assert early_replies(parse_events(good, port)) == ([], 1)
    assert early_replies(parse_events(bad, port)) == ([0], 1)
