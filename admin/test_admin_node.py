"""kvctl against a real kv-server: admin figures agree with what RESP clients did and see.

Each test starts kv-server on free loopback ports with its own data dir; the admin token comes
from KVCACHE_ADMIN_TOKEN, as an operator would pass it.
"""
import re
import time

import pytest
import redis

import harness

TOKEN = "node-test-token"


def Node(data_dir, admin_port=None, args=()):
    """A started kv-server with an admin port, its token from KVCACHE_ADMIN_TOKEN (as an operator
    would pass it) and kvctl called with --token. Stopped (and checked) by the caller."""
    node = harness.Node("kv", args=args, admin=True, admin_port=admin_port, admin_token=TOKEN,
                        directory=data_dir, env={"KVCACHE_ADMIN_TOKEN": TOKEN})
    return node.start()


@pytest.fixture
def node(tmp_path):
    n = Node(tmp_path)
    yield n
    n.stop()


def test_info_and_stats_match_resp_activity(node):
    for i in range(25):
        node.redis.set(f"k{i}", "v")
    assert node.redis.get("k0") == b"v"
    assert node.redis.get("missing") is None

    info = node.kvctl_json("info")
    assert info["resp_address"].endswith(f":{node.port}")
    assert info["admin_address"] == f"127.0.0.1:{node.admin_port}"
    assert info["process_id"] == node.proc.pid
    assert info["role"] == "master"
    assert len(info["node_id"]) == 40
    assert info["connected_clients"] >= 1
    assert info["used_memory_rss_bytes"] > 0
    dbs = {d["db"]: d for d in info["keyspace"]}
    assert dbs[0]["keys"] == node.redis.dbsize() == 25

    stats = node.kvctl_json("stats")
    calls = {c["name"]: c for c in stats["commands"]}
    assert calls["set"]["calls"] == 25
    assert calls["get"]["calls"] == 2
    assert stats["keyspace"]["hits"] >= 1
    assert stats["keyspace"]["misses"] >= 1
    top = node.kvctl_json("stats", "--top", "1")
    assert [c["name"] for c in top["commands"]] == ["set"]

    human = node.kvctl("info")
    assert human.returncode == 0 and "db0" in human.stdout


def test_config_through_the_same_table(node):
    assert node.kvctl_json("config", "set", "maxclients", "42") == {
        "name": "maxclients", "value": "42"}
    assert node.kvctl_json("config", "get", "maxcl*") == {"maxclients": "42"}
    bad = node.kvctl("config", "set", "maxclients", "lots")
    assert bad.returncode == 1
    assert "INVALID_ARGUMENT" in bad.stderr and "maxclients" in bad.stderr
    immutable = node.kvctl("config", "set", "port", "1")
    assert immutable.returncode == 1 and "immutable" in immutable.stderr


def test_auth_persistence_health(node):
    r = node.kvctl("info", token=None)
    assert r.returncode == 1 and "UNAUTHENTICATED" in r.stderr
    assert node.kvctl("info", token="wrong").returncode == 1
    assert node.kvctl_json("persistence")["aof_enabled"] is False
    rw = node.kvctl("rewrite-aof")
    assert rw.returncode == 1
    assert "FAILED_PRECONDITION: appendonly is off" in rw.stderr
    assert node.kvctl_json("health") == {"status": "SERVING"}


def test_shutdown_and_stable_node_id(tmp_path):
    first = Node(tmp_path)
    try:
        node_id = first.kvctl_json("info")["node_id"]
        assert first.kvctl_json("shutdown") == {"shutdown": True}
        assert first.proc.wait(timeout=10) == 0
    finally:
        first.stop()
    second = Node(tmp_path)
    try:
        assert second.kvctl_json("info")["node_id"] == node_id
    finally:
        second.stop()


def test_taken_admin_port_is_not_shared_and_not_fatal(tmp_path):
    """A second node on a taken admin port serves RESP without an admin plane; kvctl keeps
    reaching the first node (no SO_REUSEPORT sharing)."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = Node(tmp_path / "a")
    try:
        second = Node(tmp_path / "b", admin_port=first.admin_port)
        try:
            assert second.redis.ping()
            first_id = (tmp_path / "a" / "node-id").read_text().strip()
            for _ in range(5):
                assert first.kvctl_json("info")["node_id"] == first_id
        finally:
            second.stop()
    finally:
        first.stop()


# ---- Every kvctl command, human and --json, against what RESP's INFO says on the same node -------

PERSISTENCE_FIELDS = {  # kvctl --json persistence key: INFO persistence field
    "aof_enabled": "aof_enabled",
    "aof_rewrite_in_progress": "aof_rewrite_in_progress",
    "aof_rewrite_scheduled": "aof_rewrite_scheduled",
    "aof_last_rewrite_time_seconds": "aof_last_rewrite_time_sec",
    "aof_current_rewrite_time_seconds": "aof_current_rewrite_time_sec",
    "aof_last_bgrewrite_status": "aof_last_bgrewrite_status",
    "aof_last_write_status": "aof_last_write_status",
    "aof_rewrites": "aof_rewrites",
    "aof_current_size_bytes": "aof_current_size",
    "aof_base_size_bytes": "aof_base_size",
    "loading": "loading",
}


def info_value(v):
    """redis-py's parse_info gives ints, floats or strings; kvctl's JSON has bools for flags."""
    return v.decode() if isinstance(v, bytes) else v


def check_persistence_against_info(p, info):
    for ours, theirs in PERSISTENCE_FIELDS.items():
        want = info_value(info[theirs])
        if isinstance(p[ours], bool):
            want = bool(int(want))
        assert p[ours] == want, f"{ours}: kvctl {p[ours]!r}, INFO {theirs} {want!r}"


def test_every_kvctl_command_agrees_with_info(tmp_path):
    node = Node(tmp_path, args=["--appendonly", "yes", "--appendfsync", "everysec",
                                "--auto-aof-rewrite-percentage", "0"])
    db3 = redis.Redis(port=node.port, db=3, socket_timeout=5)
    try:
        c = node.redis
        c.mset({f"k{i}": i for i in range(30)})
        for i in range(5):
            c.set(f"ttl{i}", "v", ex=1000)
        for _ in range(17):
            c.execute_command("INCR", "counter")  # redis-py's incr() sends INCRBY
        c.hset("h", "f", "v")
        with pytest.raises(redis.ResponseError, match="WRONGTYPE"):
            c.execute_command("INCR", "h")  # ran and failed: failed_calls
        with pytest.raises(redis.ResponseError, match="wrong number of arguments"):
            c.execute_command("SET", "only-key")  # refused before running: rejected_calls
        for _ in range(4):
            assert c.get("k1") == b"1"
        for _ in range(3):
            assert c.get("nope") is None
        for i in range(7):
            db3.set(f"d3:{i}", "x", px=900_000 if i < 2 else None)

        # Admin plane first, RESP INFO right after: nothing runs in between on RESP, so every
        # counter must match (INFO may count itself).
        info_json = node.kvctl_json("info")
        stats = node.kvctl_json("stats")
        persistence = node.kvctl_json("persistence")
        config = node.kvctl_json("config", "get", "*")
        info = c.info("everything")
        resp_config = {k: v for k, v in c.config_get("*").items()}

        # Identity and clients.
        assert info_json["process_id"] == info["process_id"]
        assert info_json["resp_address"] == f"127.0.0.1:{info['tcp_port']}"
        assert info_json["role"] == info["role"]
        assert info_json["version"] == str(info["kvcache_version"])
        assert abs(info_json["uptime_seconds"] - info["uptime_in_seconds"]) <= 2
        assert abs(info_json["connected_clients"] - info["connected_clients"]) <= 1
        assert info["connected_clients"] == 2  # c and db3; the admin plane is not a RESP client
        # Memory: the same allocator counter underlies both, but the admin plane's own gRPC
        # allocations move it between reads, so kvctl's figure is read between two INFOs.
        mem_before = c.info("memory")
        mem = node.kvctl_json("info")
        mem_after = c.info("memory")
        for ours, theirs in (("used_memory_bytes", "used_memory"),
                             ("used_memory_rss_bytes", "used_memory_rss")):
            low = min(mem_before[theirs], mem_after[theirs])
            high = max(mem_before[theirs], mem_after[theirs])
            slack = max(high // 10, 1 << 20)
            assert low - slack <= mem[ours] <= high + slack, (ours, mem[ours], low, high)

        # Keyspace: keys and expires per db, as INFO keyspace.
        resp_keyspace = {int(name[2:]): (v["keys"], v["expires"]) for name, v in info.items()
                         if name.startswith("db") and name[2:].isdigit()}
        assert {d["db"]: (d["keys"], d["expires"]) for d in info_json["keyspace"]} == \
            resp_keyspace == {0: (37, 5), 3: (7, 2)}

        # Per-command counters, as INFO commandstats.
        resp_cmds = {name[len("cmdstat_"):]: v for name, v in info.items()
                     if name.startswith("cmdstat_")}
        ours = {cmd["name"]: cmd for cmd in stats["commands"]}
        assert set(ours) == set(resp_cmds)
        for name, cmd in ours.items():
            theirs = resp_cmds[name]
            # The INFO that produced `info` may have counted itself already.
            calls_slack = 1 if name == "info" else 0
            assert cmd["calls"] <= theirs["calls"] <= cmd["calls"] + calls_slack, name
            assert (cmd["rejected_calls"], cmd["failed_calls"]) == (
                theirs["rejected_calls"], theirs["failed_calls"]), name
            assert cmd["usec"] <= theirs["usec"], name
        assert (ours["incr"]["calls"], ours["incr"]["failed_calls"]) == (18, 1)
        assert ours["get"]["calls"] == 7
        assert ours["mset"]["calls"] == 1
        assert ours["set"]["rejected_calls"] == 1
        assert ours["set"]["calls"] == 5 + 7

        # Keyspace counters and totals, as INFO stats.
        k = stats["keyspace"]
        assert (k["hits"], k["misses"], k["expired"], k["evicted"]) == (
            info["keyspace_hits"], info["keyspace_misses"], info["expired_keys"],
            info["evicted_keys"])
        assert k["hits"] >= 4 and k["misses"] >= 3
        assert stats["total_connections_received"] == info["total_connections_received"]
        processed = stats["total_commands_processed"]
        assert processed <= info["total_commands_processed"] <= processed + 1

        # Persistence, as INFO persistence; appendfsync as CONFIG GET.
        check_persistence_against_info(persistence, info)
        assert persistence["aof_enabled"] is True and persistence["aof_rewrites"] == 0
        assert persistence["appendfsync"] == resp_config["appendfsync"] == "everysec"

        # Configuration: the whole table reads the same through both planes.
        assert config == resp_config

        # Changes through one plane show in the other.
        assert node.kvctl_json("config", "set", "maxclients", "77") == {
            "name": "maxclients", "value": "77"}
        assert c.config_get("maxclients") == {"maxclients": "77"}
        c.config_set("maxclients", "88")
        assert node.kvctl_json("config", "get", "maxclients") == {"maxclients": "88"}
        assert c.info("clients")["maxclients"] == 88

        rewrite = node.kvctl_json("rewrite-aof", "--wait")
        assert rewrite["started"] is True and rewrite["waited"] is True
        after = node.kvctl_json("persistence")
        check_persistence_against_info(after, c.info("persistence"))
        assert after["aof_rewrites"] == 1 and after["aof_last_bgrewrite_status"] == "ok"
        assert rewrite["persistence"]["aof_rewrites"] == 1
        # A rewrite started from RESP shows on the admin plane.
        assert c.bgrewriteaof()
        deadline = time.monotonic() + 20
        while node.kvctl_json("persistence")["aof_rewrites"] < 2:
            assert time.monotonic() < deadline, "BGREWRITEAOF did not finish"
            time.sleep(0.05)
        check_persistence_against_info(node.kvctl_json("persistence"), c.info("persistence"))

        # Human output of every command carries the same figures.
        human = {}
        for args in (["info"], ["stats"], ["stats", "--top", "2"], ["persistence"],
                     ["config", "get", "max*"], ["config", "set", "maxclients", "99"],
                     ["health"], ["rewrite-aof", "--wait"]):
            r = node.kvctl(*args)
            assert r.returncode == 0, (args, r.stderr)
            human[" ".join(args)] = r.stdout
        assert f"127.0.0.1:{node.port}" in human["info"]
        assert str(info["process_id"]) in human["info"]
        assert re.search(r"^db0\s+37\s+5\s*$", human["info"], re.M), human["info"]
        assert re.search(r"^db3\s+7\s+2\s*$", human["info"], re.M), human["info"]
        assert re.search(r"^incr\s+18\s.*\s1\s*$", human["stats"], re.M), human["stats"]
        assert re.search(r"^get\s+7\s", human["stats"], re.M), human["stats"]
        # The two most-called commands, as JSON says right after (no RESP command in between;
        # INFO may be among them: the start-up wait polls it).
        top = [line.split()[0] for line in human["stats --top 2"].splitlines()[1:3]]
        assert top == [cmd["name"] for cmd in node.kvctl_json("stats", "--top", "2")["commands"]]
        assert len(top) == 2 and "incr" in human["stats"]
        assert re.search(r"^appendonly\s+yes\s*$", human["persistence"], re.M)
        assert re.search(r"^appendfsync\s+everysec\s*$", human["persistence"], re.M)
        assert re.search(r"^rewrites\s+2\s*$", human["persistence"], re.M), human["persistence"]
        assert re.search(r"^maxclients\s+88\s*$", human["config get max*"], re.M), \
            human["config get max*"]
        assert human["config set maxclients 99"] == "maxclients = 99\n"
        assert c.config_get("maxclients") == {"maxclients": "99"}
        assert human["health"] == "SERVING\n"
        assert human["rewrite-aof --wait"].startswith("AOF rewrite finished\n")
        assert re.search(r"^rewrites\s+3\s*$", human["rewrite-aof --wait"], re.M)
        assert c.info("persistence")["aof_rewrites"] == 3

        # Last: shutdown, human output; the AOF written so far brings every key back.
        r = node.kvctl("shutdown", "--reason", "test_every_kvctl_command_agrees_with_info")
        assert r.returncode == 0 and r.stdout == "node is shutting down\n", r
        assert node.proc.wait(timeout=10) == 0
    finally:
        db3.close()
        node.stop()
    again = Node(tmp_path, args=["--appendonly", "yes"])
    try:
        assert again.redis.dbsize() == 37
        assert again.redis.get("counter") == b"17"
        assert redis.Redis(port=again.port, db=3).dbsize() == 7
    finally:
        again.stop()


def test_ops_per_sec_is_infos_instantaneous_rate(tmp_path):
    """ops_per_sec is INFO's instantaneous_ops_per_sec (the cron's last 16 samples), not a rate of
    its own since the previous admin call: idle means 0 through both planes."""
    node = Node(tmp_path, args=["--hz", "100"])  # 16 samples span 0.16 s
    try:
        pipe = node.redis.pipeline(transaction=False)
        for i in range(5000):
            pipe.set(f"k{i % 10}", i)
        pipe.execute()
        # The burst shows once the cron has sampled it (bounded wait: a loaded machine may delay
        # the ticks).
        deadline = time.monotonic() + 10
        while node.redis.info("stats")["instantaneous_ops_per_sec"] == 0:
            assert time.monotonic() < deadline, "the cron never sampled the burst"
            time.sleep(0.05)
        time.sleep(1.5)  # ~150 cron ticks (16 needed) without a single RESP command
        assert node.kvctl_json("info")["ops_per_sec"] == 0
        assert node.redis.info("stats")["instantaneous_ops_per_sec"] <= 1  # INFO itself
    finally:
        node.stop()
