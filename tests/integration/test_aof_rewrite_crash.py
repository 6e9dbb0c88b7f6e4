"""SIGKILL during an AOF rewrite, under write load with appendfsync always: at each step of the
rewrite (the base being written, the base's rename, the manifest's renames, after them) the node
is killed by the fault shim (faults.py) at that exact call. After a restart on the same directory
every acknowledged write is there, the leftovers of the dead rewrite do not break the start, and
the next rewrite succeeds and leaves no temp file. A rewrite that fails (ENOSPC on the new base,
a full disk) is reported, writes go on, and the retry succeeds."""

import os
import threading

import pytest
import redis

from faults import arm, disarm, fault_env
from harness import info_field, wait_for

PRELOAD_KEYS = 20_000

# (action, op, substring, nth): where the rewrite dies. The rewrite first lists its new
# incremental file in the manifest (manifest rename 1), writes the base into temp-rewrite-N.aof,
# renames it to the base's name, then writes the manifest naming it (manifest rename 2) and
# deletes the old files.
KILL_POINTS = {
    "listing_new_incr": ("kill-before", "rename", ".manifest", 1),
    "writing_base": ("kill-after", "write", "temp-rewrite", 5),
    "before_base_rename": ("kill-before", "rename", "temp-rewrite", 1),
    "after_base_rename": ("kill-after", "rename", "temp-rewrite", 1),
    "before_manifest_rename": ("kill-before", "rename", ".manifest", 2),
    "after_manifest_rename": ("kill-after", "rename", ".manifest", 2),
}


class Writers:
    """Threads that SET fresh keys until the node dies; remembers every acknowledged one."""

    def __init__(self, node, threads=3):
        self.acked = []
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.run, args=(node.client(), t))
                        for t in range(threads)]
        for t in self.threads:
            t.start()

    def run(self, client, tid):
        i = 0
        while True:
            key = f"w:{tid}:{i}"
            try:
                client.set(key, i)
            except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError):
                return
            with self.lock:
                self.acked.append((key, str(i).encode()))
            i += 1

    def join(self):
        for t in self.threads:
            t.join(timeout=30)
        assert not any(t.is_alive() for t in self.threads)
        return self.acked


def preload(node):
    c = node.client()
    pipe = c.pipeline(transaction=False)
    for i in range(PRELOAD_KEYS):
        pipe.set(f"pre:{i}", "x" * 32)
    pipe.execute()


def check_everything_there(node, acked, threads=3):
    c = node.client()
    # A write may be logged and its reply lost in the crash: at most one per writer thread.
    assert PRELOAD_KEYS + len(acked) <= c.dbsize() <= PRELOAD_KEYS + len(acked) + threads
    keys = [k for k, _ in acked]
    for start in range(0, len(keys), 1000):
        got = c.mget(keys[start:start + 1000])
        want = [v for _, v in acked[start:start + 1000]]
        missing = [k for k, g, w in zip(keys[start:start + 1000], got, want) if g != w]
        assert not missing, f"acknowledged writes lost: {missing[:5]}"
    assert c.get(f"pre:{PRELOAD_KEYS - 1}") == b"x" * 32


def rewrite_and_wait(node):
    c = node.client()
    before = int(info_field(node, "persistence", "aof_rewrites"))
    assert c.execute_command("BGREWRITEAOF").startswith(b"Background append only file rewriting")
    wait_for(lambda: int(info_field(node, "persistence", "aof_rewrites")) > before, 60,
             "the rewrite to finish")
    assert info_field(node, "persistence", "aof_last_bgrewrite_status") == "ok"


@pytest.fixture
def fault_node(nodes, tmp_path):
    control = tmp_path / "fault.ctl"
    disarm(control)
    node = nodes.unstarted("kv", args=["--appendonly", "yes", "--appendfsync", "always",
                                       "--auto-aof-rewrite-percentage", "0"],
                           env=fault_env(control))
    node.control = control
    return node.start()


@pytest.mark.parametrize("point", sorted(KILL_POINTS))
def test_sigkill_during_rewrite_loses_no_acknowledged_write(fault_node, point):
    node = fault_node
    preload(node)
    writers = Writers(node)
    wait_for(lambda: len(writers.acked) > 50, 30, "writes to be acknowledged")
    arm(node.control, *KILL_POINTS[point])
    node.client().execute_command("BGREWRITEAOF")
    node.proc.wait(timeout=60)
    acked = writers.join()
    assert node.proc.returncode == -9, node.log_tail()
    assert "fault: SIGKILL" in node.log(), node.log_tail()
    node.kill()  # records the exit and scans the log for sanitizer reports
    print(f"{point}: killed with {len(acked)} acknowledged writes; files:",
          sorted(os.listdir(node.aof_dir())))

    disarm(node.control)
    node.start()
    check_everything_there(node, acked)
    rewrite_and_wait(node)
    leftovers = [f for f in os.listdir(node.aof_dir()) if f.startswith("temp-")]
    assert not leftovers, leftovers
    node.restart()
    check_everything_there(node, acked)


def test_failed_rewrite_is_reported_and_retried(fault_node):
    node = fault_node
    preload(node)
    writers = Writers(node, threads=1)
    wait_for(lambda: len(writers.acked) > 50, 30, "writes to be acknowledged")
    arm(node.control, "enospc", "write", "temp-rewrite", 3)
    c = node.client()
    before = int(info_field(node, "persistence", "aof_rewrites"))
    c.execute_command("BGREWRITEAOF")
    wait_for(lambda: info_field(node, "persistence", "aof_last_bgrewrite_status") == "err", 60,
             "the rewrite to fail")
    assert int(info_field(node, "persistence", "aof_rewrites")) == before
    n = len(writers.acked)
    wait_for(lambda: len(writers.acked) > n + 50, 30, "writes to go on after the failed rewrite")
    assert [f for f in os.listdir(node.aof_dir()) if f.startswith("temp-")] == []
    disarm(node.control)
    rewrite_and_wait(node)
    node.stop()  # checked SIGTERM; the writer sees the connection close
    acked = writers.join()
    node.start()
    check_everything_there(node, acked)
