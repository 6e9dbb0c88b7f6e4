// kvctl's cluster commands against a FakeCluster: several in-process AdminServers on their own
// loopback ports sharing one fake cluster state, so seeds, the fan-out to members at their
// announced admin addresses and --all are exercised over real gRPC, by the real kvctl binary.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "admin/fake_cluster.h"
#include "admin/kvctl_runner.h"

namespace kv::admin {
namespace {

constexpr char kToken[] = "cluster-token";
using Result = KvctlResult;
using nlohmann::json;

class ClusterKvctlTest : public ::testing::Test {
 protected:
  // Four nodes, the first three members; node 3 is a spare for add-node.
  ClusterKvctlTest() : cluster_(4, 3, kToken) {}

  Result RunWith(const std::string& addr, std::vector<std::string> args, bool json = false) {
    std::vector<std::string> full = {"--addr", addr, "--token", kToken, "--timeout", "5"};
    if (json) full.push_back("--json");
    full.insert(full.end(), args.begin(), args.end());
    return Kvctl(full);
  }
  Result Run(std::vector<std::string> args, bool json = false) {
    return RunWith(cluster_.admin_address(0), std::move(args), json);
  }
  json RunJson(std::vector<std::string> args, int expect_exit = 0) {
    Result r = Run(std::move(args), true);
    EXPECT_EQ(r.exit_code, expect_exit) << r.err;
    return json::parse(r.out);  // throws (fails the test) on anything but one document
  }

  // Output with each node's admin address replaced by 127.0.0.1:PORTi, which has the same length
  // (the kernel's ephemeral ports have five digits), so golden tables keep their alignment.
  std::string Golden(std::string text) const {
    for (int i = 0; i < 4; ++i) {
      const std::string addr = cluster_.admin_address(i);
      EXPECT_EQ(addr.size(), 15u) << addr;
      const std::string placeholder = "127.0.0.1:PORT" + std::to_string(i);
      for (size_t at = text.find(addr); at != std::string::npos; at = text.find(addr, at)) {
        text.replace(at, addr.size(), placeholder);
      }
    }
    return text;
  }

  FakeCluster cluster_;
};

TEST_F(ClusterKvctlTest, StatusHealthyTableAndJson) {
  Result r = Run({"status"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Golden(r.out),
            "cluster 99999999 at epoch 1 (digest dfe0aea6ed1b), 3 members: 3 up, 0 down, 0 slots "
            "unserved\n"
            "\n"
            "NODE       RESP            ADMIN            STATE  UP   EPOCH  SLOTS  SHARE  KEYS\n"
            "aaaaaaaa*  127.0.0.1:7000  127.0.0.1:PORT0  up     yes      1   5462  33.3%  1.0k\n"
            "bbbbbbbb   127.0.0.1:7001  127.0.0.1:PORT1  up     yes      1   5461  33.3%  2.0k\n"
            "cccccccc   127.0.0.1:7002  127.0.0.1:PORT2  up     yes      1   5461  33.3%  3.0k\n"
            "(*: the node that answered for the cluster; UP: as its heartbeats see the member)\n"
            "\n"
            "cluster is healthy\n")
      << r.out;

  json j = RunJson({"status"});
  EXPECT_EQ(j["epoch"], 1);
  EXPECT_EQ(j["digest"], cluster_.digest());
  EXPECT_EQ(j["degraded"], false);
  EXPECT_EQ(j["problems"].size(), 0u);
  ASSERT_EQ(j["members"].size(), 3u);
  for (int i = 0; i < 3; ++i) {
    const json& m = j["members"][i];
    EXPECT_EQ(m["node_id"], FakeCluster::IdOf(i));
    EXPECT_EQ(m["admin_address"], cluster_.admin_address(i));
    EXPECT_EQ(m["answered"], true);
    EXPECT_EQ(m["keys"], 1000 * (i + 1)) << "keys come from each member's own GetNodeInfo";
    EXPECT_EQ(m["is_self"], i == 0);
  }
}

TEST_F(ClusterKvctlTest, StatusDegradedWhenAMemberIsDown) {
  cluster_.StopNode(1);
  Result r = Run({"status"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.out.find("1 down"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("cluster is DEGRADED"), std::string::npos) << r.out;
  EXPECT_NE(
      r.out.find("bbbbbbbb (" + cluster_.admin_address(1) + ") did not answer kvctl: UNAVAILABLE"),
      std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("5461 slots are not served"), std::string::npos) << r.out;

  json j = RunJson({"status"}, 1);
  EXPECT_EQ(j["degraded"], true);
  EXPECT_EQ(j["slots_unserved"], 5461);
  EXPECT_EQ(j["members"][1]["reachable"], false);
  EXPECT_EQ(j["members"][1]["answered"], false);
  EXPECT_EQ(j["problems"].size(), 3u) << j["problems"].dump();
}

TEST_F(ClusterKvctlTest, StatusDegradedWhenMembersDisagree) {
  cluster_.SetStaleView(2, 0, "0123456789abcdef");
  Result r = Run({"status"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.out.find("cccccccc (" + cluster_.admin_address(2) +
                       ") is at epoch 0 digest 0123456789ab, aaaaaaaa at epoch 1"),
            std::string::npos)
      << r.out;
}

TEST_F(ClusterKvctlTest, SeedsUseTheFirstThatAnswers) {
  const std::string dead = "127.0.0.1:" + std::to_string(ClosedAdminPort());
  Result r = RunWith(dead + "," + cluster_.admin_address(2), {"info"}, true);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["node_id"], FakeCluster::IdOf(2));
  // The status comes from the seed that answered and reaches the others by their addresses.
  Result s = RunWith(dead + "," + cluster_.admin_address(1), {"status"}, true);
  ASSERT_EQ(s.exit_code, 0) << s.err;
  EXPECT_EQ(json::parse(s.out)["node_id"], FakeCluster::IdOf(1));

  Result none = RunWith(dead + "," + dead, {"status"});
  EXPECT_EQ(none.exit_code, 3);
  EXPECT_NE(none.err.find("kvctl: " + dead + ": UNAVAILABLE"), std::string::npos) << none.err;
  EXPECT_EQ(RunWith(" , ", {"status"}).exit_code, 2);
}

TEST_F(ClusterKvctlTest, NodesTableAndJson) {
  Result r = Run({"nodes"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Golden(r.out),
            "ID                                        RESP            ADMIN            STATE  UP  "
            " SLOTS  LAST HEARD\n"
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa  127.0.0.1:7000  127.0.0.1:PORT0  up     yes "
            "  5462      myself\n"
            "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb  127.0.0.1:7001  127.0.0.1:PORT1  up     yes "
            "  5461     150.0ms\n"
            "cccccccccccccccccccccccccccccccccccccccc  127.0.0.1:7002  127.0.0.1:PORT2  up     yes "
            "  5461     150.0ms\n")
      << r.out;
  json j = RunJson({"nodes"});
  EXPECT_EQ(j["epoch"], 1);
  EXPECT_EQ(j["members"][2]["resp_address"], "127.0.0.1:7002");
  EXPECT_EQ(j["members"][2]["state"], "up");
  EXPECT_EQ(j["members"][2]["last_heard_ms"], 150);
}

TEST_F(ClusterKvctlTest, RingSharesAndSlotRanges) {
  Result r = Run({"ring"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "ring at epoch 1, 3 members, 128 vnodes each\n"
            "\n"
            "NODE      SLOTS  SHARE  RING TARGET\n"
            "aaaaaaaa   5462  33.3%         5462\n"
            "bbbbbbbb   5461  33.3%         5461\n"
            "cccccccc   5461  33.3%         5461\n")
      << r.out;
  Result slots = Run({"ring", "--slots"});
  ASSERT_EQ(slots.exit_code, 0) << slots.err;
  EXPECT_NE(slots.out.find("5462-10922   bbbbbbbb\n"), std::string::npos) << slots.out;
  json j = RunJson({"ring", "--slots"});
  EXPECT_EQ(j["vnodes"], 128);
  ASSERT_EQ(j["ranges"].size(), 3u);
  EXPECT_EQ(j["ranges"][2],
            (json{{"first", 10923}, {"last", 16383}, {"node_id", FakeCluster::IdOf(2)}}));
  EXPECT_EQ(j["shares"][0]["slots"], 5462);
  EXPECT_EQ(RunJson({"ring"})["ranges"].size(), 0u) << "ranges only with --slots";
}

TEST_F(ClusterKvctlTest, WhereUsesRedisKeySlot) {
  json j = RunJson({"where", "123456789"});
  EXPECT_EQ(j["key"], "123456789");
  EXPECT_EQ(j["slot"], 12739);  // Redis Cluster's published test vector
  EXPECT_EQ(j["node_id"], FakeCluster::IdOf(2));
  EXPECT_EQ(j["admin_address"], cluster_.admin_address(2));
  EXPECT_EQ(j["migration"], "stable");
  Result r = Run({"where", "{user1000}.following"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("slot           3443\n"), std::string::npos) << r.out;
}

TEST_F(ClusterKvctlTest, PlanShowsMovesAndChangesNothing) {
  Result r = Run({"ring", "plan", "--add", cluster_.admin_address(3)});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Golden(r.out),
            "plan on epoch 1 (nothing changed yet)\n"
            "\n"
            "FROM          TO        SLOTS   KEYS      BYTES\n"
            "aaaaaaaa  ->  bbbbbbbb   1366   4098  400.2 KiB\n"
            "bbbbbbbb  ->  cccccccc   2731   8193  800.1 KiB\n"
            "cccccccc  ->  dddddddd   4096  12288    1.2 MiB\n"
            "8193 slots move, 24579 keys, 2.3 MiB\n"
            "members after: aaaaaaaa (127.0.0.1:PORT0), bbbbbbbb (127.0.0.1:PORT1), cccccccc "
            "(127.0.0.1:PORT2), dddddddd (127.0.0.1:PORT3)\n")
      << r.out;
  json j = RunJson({"ring", "plan", "--add", cluster_.admin_address(3)});
  EXPECT_EQ(j["epoch"], 1);
  ASSERT_EQ(j["moves"].size(), 3u);
  EXPECT_EQ(j["moves"][0]["from_node_id"], FakeCluster::IdOf(0));
  EXPECT_EQ(j["moves"][0]["to_node_id"], FakeCluster::IdOf(1));
  EXPECT_EQ(j["members"].size(), 4u);
  EXPECT_EQ(cluster_.epoch(), 1u);
  EXPECT_EQ(cluster_.member_count(), 3);

  EXPECT_EQ(Run({"ring", "plan"}).exit_code, 2) << "nothing to add or remove";
}

TEST_F(ClusterKvctlTest, ApplyIfEpochAndAddNode) {
  Result stale = Run({"ring", "apply", "--add", cluster_.admin_address(3), "--if-epoch", "7"});
  EXPECT_EQ(stale.exit_code, 1);
  EXPECT_EQ(stale.out, "");
  EXPECT_EQ(stale.err,
            "kvctl: " + cluster_.admin_address(0) + ": FAILED_PRECONDITION: ring is at epoch 1\n");
  EXPECT_EQ(cluster_.member_count(), 3);

  Result added = Run({"add-node", cluster_.admin_address(3), "--if-epoch", "1"});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  EXPECT_NE(added.out.find("committed epoch 2"), std::string::npos) << added.out;
  EXPECT_EQ(cluster_.member_count(), 4);
  // The new member is reached at its own address by the fan-out.
  json status = RunJson({"status"});
  ASSERT_EQ(status["members"].size(), 4u);
  EXPECT_EQ(status["members"][3]["keys"], 4000);
  EXPECT_EQ(status["epoch"], 2);

  Result again = Run({"add-node", cluster_.admin_address(3)});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("FAILED_PRECONDITION: dddddddd"), std::string::npos) << again.err;
}

TEST_F(ClusterKvctlTest, RemoveNodeByPrefixOrAddress) {
  json j = RunJson({"remove-node", "ccc"});
  EXPECT_EQ(j["epoch"], 2);
  EXPECT_FALSE(j.contains("gave_up"));
  EXPECT_EQ(cluster_.member_count(), 2);
  EXPECT_EQ(Run({"remove-node", cluster_.admin_address(1)}).exit_code, 0);
  EXPECT_EQ(cluster_.member_count(), 1);
  Result unknown = Run({"remove-node", "zzz"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("NOT_FOUND: no member zzz"), std::string::npos) << unknown.err;
}

TEST_F(ClusterKvctlTest, NoQuorumIsUnavailableAndForceSaysWhatItGivesUp) {
  cluster_.StopNode(1);
  cluster_.StopNode(2);
  Result refused = Run({"remove-node", "bbbbbbbb"});
  EXPECT_EQ(refused.exit_code, 3);
  EXPECT_EQ(refused.err, "kvctl: " + cluster_.admin_address(0) +
                             ": UNAVAILABLE: no quorum (1 of 3 reachable)\n");

  Result forced = Run({"remove-node", "bbbbbbbb", "--force"});
  EXPECT_EQ(forced.exit_code, 3) << "1 of the 2 left is still no majority: " << forced.err;

  Result both = Run({"ring", "apply", "--remove", "bbbbbbbb", "--remove", "cccccccc", "--force"});
  ASSERT_EQ(both.exit_code, 0) << both.err;
  EXPECT_EQ(
      Golden(both.out),
      "committed epoch 2 (digest 440b23446b06)\n"
      "\n"
      "FROM          TO        SLOTS  KEYS  BYTES\n"
      "bbbbbbbb  ->  aaaaaaaa   5461     ?      ?\n"
      "cccccccc  ->  aaaaaaaa   5461     ?      ?\n"
      "10922 slots move, at least 0 keys, at least 0 B (?: the source did not answer)\n"
      "\n"
      "--force gave up:\n"
      "- bbbbbbbb (127.0.0.1:PORT1) was removed without its vote. Its 5461 slots go to the "
      "remaining members empty: whatever keys (it could not be asked) it held in them are lost to "
      "the cluster.\n"
      "- cccccccc (127.0.0.1:PORT2) was removed without its vote. Its 5461 slots go to the "
      "remaining members empty: whatever keys (it could not be asked) it held in them are lost to "
      "the cluster.\n"
      "- If a removed member is in fact alive and reaches a majority of its own, it can commit a "
      "conflicting state: make sure it stays stopped, and wipe its data dir before it returns.\n")
      << both.out;
  EXPECT_EQ(cluster_.member_count(), 1);
}

TEST_F(ClusterKvctlTest, ForceJsonListsWhatItGaveUp) {
  cluster_.StopNode(2);
  json j = RunJson({"remove-node", "--force", "cccc"});
  ASSERT_EQ(j["gave_up"].size(), 1u);
  EXPECT_EQ(j["gave_up"][0]["node_id"], FakeCluster::IdOf(2));
  EXPECT_EQ(j["gave_up"][0]["slots"], 5461);
  EXPECT_EQ(j["gave_up"][0]["keys"], -1) << "its keys could not be counted";
}

TEST_F(ClusterKvctlTest, InfoStatsRewriteOnAllMembers) {
  json info = RunJson({"info", "--all"});
  ASSERT_EQ(info["nodes"].size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(info["nodes"][i]["node_id"], FakeCluster::IdOf(i));
    EXPECT_EQ(info["nodes"][i]["node"]["node_id"], FakeCluster::IdOf(i)) << "answered by itself";
  }
  Result table = Run({"info", "--all"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_EQ(Golden(table.out),
            "NODE      ADMIN            VERSION  UPTIME   MEMORY  CLIENTS  KEYS  THROUGHPUT\n"
            "aaaaaaaa  127.0.0.1:PORT0  0.1.0     3d 4h  1.2 GiB        7  1.0k  3.4k ops/s\n"
            "bbbbbbbb  127.0.0.1:PORT1  0.1.0     3d 4h  1.2 GiB        7  2.0k  3.4k ops/s\n"
            "cccccccc  127.0.0.1:PORT2  0.1.0     3d 4h  1.2 GiB        7  3.0k  3.4k ops/s\n")
      << table.out;

  json stats = RunJson({"stats", "--all", "--top", "1"});
  EXPECT_EQ(stats["nodes"].size(), 3u);
  EXPECT_EQ(stats["total"]["commands"].size(), 1u);
  EXPECT_EQ(stats["total"]["commands"][0]["calls"], 3 * 90000);
  EXPECT_EQ(stats["total"]["keyspace"]["hits"], 3 * 60000);

  json rewrite = RunJson({"rewrite-aof", "--all"});
  EXPECT_EQ(rewrite["nodes"][1]["started"], true);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(cluster_.backend(i).rewrites_started, 1);
}

TEST_F(ClusterKvctlTest, AllIsExit4WhenSomeDidNotAnswer) {
  cluster_.StopNode(2);
  Result r = Run({"info", "--all"}, true);
  EXPECT_EQ(r.exit_code, 4);
  json j = json::parse(r.out);
  EXPECT_EQ(j["nodes"][0]["node"]["node_id"], FakeCluster::IdOf(0));
  EXPECT_EQ(j["nodes"][2]["error"]["code"], "UNAVAILABLE");
  EXPECT_NE(r.err.find("kvctl: " + cluster_.admin_address(2) + ": UNAVAILABLE"), std::string::npos)
      << r.err;
  EXPECT_EQ(Run({"stats", "--all"}).exit_code, 4);
  Result table = Run({"rewrite-aof", "--all"});
  EXPECT_EQ(table.exit_code, 4);
  EXPECT_NE(table.out.find("no answer"), std::string::npos) << table.out;

  // A member that answers "no" is a failure (1), not a partial answer.
  FakeCluster healthy(3, 3, kToken);
  healthy.backend(1).aof_enabled = false;
  Result refused = RunWith(healthy.admin_address(0), {"rewrite-aof", "--all"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find(": FAILED_PRECONDITION: appendonly is off"), std::string::npos)
      << refused.err;
}

TEST_F(ClusterKvctlTest, NodeTargetsOneMember) {
  json j = RunJson({"info", "--node", "ccc"});
  EXPECT_EQ(j["node_id"], FakeCluster::IdOf(2));
  EXPECT_EQ(RunJson({"info", "--node", cluster_.admin_address(1)})["node_id"],
            FakeCluster::IdOf(1));
  ASSERT_EQ(Run({"rewrite-aof", "--node", "bbbbbbbb"}).exit_code, 0);
  EXPECT_EQ(cluster_.backend(1).rewrites_started, 1);
  EXPECT_EQ(cluster_.backend(0).rewrites_started, 0);

  Result unknown = Run({"stats", "--node", "zzz"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("no member zzz"), std::string::npos) << unknown.err;
  EXPECT_EQ(Run({"info", "--node", "a", "--all"}).exit_code, 2) << "--node excludes --all";
  cluster_.StopNode(2);
  EXPECT_EQ(Run({"info", "--node", "ccc"}).exit_code, 3);
}

}  // namespace
}  // namespace kv::admin
