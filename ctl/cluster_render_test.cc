#include "ctl/cluster_render.h"

#include <gtest/gtest.h>

#include "ctl/all_nodes.h"
#include "ctl/client.h"
#include "ctl/cluster_check.h"
#include "ctl/members.h"

namespace kv::ctl {
namespace {

namespace v1 = kvcache::v1;

// A healthy two-member cluster as member "aaaa..." sees it, both members answering alike.
ClusterCheck Healthy() {
  ClusterCheck check;
  check.seed.set_epoch(5);
  check.seed.set_digest("d1d1d1d1d1d1d1d1");
  check.seed.set_node_id(std::string(40, 'a'));
  for (char c : {'a', 'b'}) {
    MemberCheck m;
    m.member.set_node_id(std::string(40, c));
    m.member.set_admin_address(std::string("127.0.0.1:800") + c);
    m.member.set_reachable(true);
    m.member.set_slots(8192);
    m.member.set_is_self(c == 'a');
    m.answered = true;
    m.epoch = 5;
    m.digest = "d1d1d1d1d1d1d1d1";
    m.synced = true;
    *check.seed.add_members() = m.member;
    check.members.push_back(m);
  }
  return check;
}

TEST(FindProblemsTest, HealthyHasNone) {
  ClusterCheck check = Healthy();
  FindProblems(&check);
  EXPECT_FALSE(check.degraded()) << check.problems[0];
  EXPECT_NE(RenderStatus(check).find("cluster is healthy"), std::string::npos);
}

TEST(FindProblemsTest, EachCauseIsOneSentence) {
  ClusterCheck down = Healthy();
  down.members[1].member.set_reachable(false);
  down.members[1].member.set_last_heard_ms(2500);
  FindProblems(&down);
  ASSERT_EQ(down.problems.size(), 1u);
  EXPECT_EQ(down.problems[0],
            "bbbbbbbb (127.0.0.1:800b) is down for aaaaaaaa (no heartbeat answer for 2.5s)");

  ClusterCheck silent = Healthy();
  silent.members[1].answered = false;
  silent.members[1].error = "UNAVAILABLE: failed to connect";
  FindProblems(&silent);
  ASSERT_EQ(silent.problems.size(), 1u);
  EXPECT_EQ(silent.problems[0],
            "bbbbbbbb (127.0.0.1:800b) did not answer kvctl: UNAVAILABLE: failed to connect");

  ClusterCheck stale = Healthy();
  stale.members[1].epoch = 4;
  stale.members[1].digest = "0000";
  FindProblems(&stale);
  ASSERT_EQ(stale.problems.size(), 1u);
  EXPECT_EQ(stale.problems[0],
            "bbbbbbbb (127.0.0.1:800b) is at epoch 4 digest 0000, aaaaaaaa at epoch 5 digest "
            "d1d1d1d1d1d1");

  ClusterCheck unsynced = Healthy();
  unsynced.members[0].synced = false;
  unsynced.seed.set_slots_unserved(10);
  FindProblems(&unsynced);
  ASSERT_EQ(unsynced.problems.size(), 2u);
  EXPECT_EQ(unsynced.problems[0], "aaaaaaaa (127.0.0.1:800a) has not synced yet");
  EXPECT_EQ(unsynced.problems[1], "10 slots are not served (owner down or none)");
  EXPECT_NE(RenderStatus(unsynced).find("cluster is DEGRADED:\n- aaaaaaaa"), std::string::npos);
}

TEST(ClusterJsonTest, StatusKeepsProtoNamesAndAddsAnswers) {
  ClusterCheck check = Healthy();
  check.members[1].answered = false;
  check.members[1].error = "DEADLINE_EXCEEDED: Deadline Exceeded";
  FindProblems(&check);
  nlohmann::json j = ToJson(check);
  EXPECT_EQ(j["epoch"], 5);
  EXPECT_EQ(j["members"][0]["node_id"], std::string(40, 'a'));
  EXPECT_EQ(j["members"][0]["slots"], 8192);
  EXPECT_EQ(j["members"][0]["answered"], true);
  EXPECT_EQ(j["members"][1]["answered"], false);
  EXPECT_EQ(j["members"][1]["error"], "DEADLINE_EXCEEDED: Deadline Exceeded");
  EXPECT_EQ(j["degraded"], true);
  EXPECT_EQ(j["problems"].size(), 1u);
}

TEST(RenderPlanTest, UnknownCountsShowAsQuestionMarks) {
  v1::PlanRingChangeResponse plan;
  plan.set_epoch(3);
  auto* known = plan.add_moves();
  known->set_from_node_id(std::string(40, 'a'));
  known->set_to_node_id(std::string(40, 'c'));
  known->set_slots(100);
  known->set_keys(7);
  known->set_bytes(2048);
  auto* unknown = plan.add_moves();
  unknown->set_from_node_id(std::string(40, 'b'));
  unknown->set_to_node_id(std::string(40, 'c'));
  unknown->set_slots(50);
  unknown->set_keys(-1);
  unknown->set_bytes(-1);
  EXPECT_EQ(RenderPlan(plan),
            "plan on epoch 3 (nothing changed yet)\n\n"
            "FROM          TO        SLOTS  KEYS    BYTES\n"
            "aaaaaaaa  ->  cccccccc    100     7  2.0 KiB\n"
            "bbbbbbbb  ->  cccccccc     50     ?        ?\n"
            "150 slots move, at least 7 keys, at least 2.0 KiB (?: the source did not answer)\n"
            "members after: (none)\n");
  EXPECT_EQ(ToJson(plan)["moves"][1]["keys"], -1);
}

TEST(MergeStatsTest, SumsCountersAndKeepsTheLargestP99) {
  v1::GetStatsResponse a, b;
  auto add = [](v1::GetStatsResponse* s, const char* name, int64_t calls, double p99) {
    auto* c = s->add_commands();
    c->set_name(name);
    c->set_calls(calls);
    c->set_usec(calls * 2);
    c->set_p99_usec(p99);
  };
  add(&a, "get", 10, 5);
  add(&a, "set", 1, 9);
  add(&b, "get", 30, 7);
  a.mutable_keyspace()->set_hits(3);
  b.mutable_keyspace()->set_hits(4);
  b.set_total_commands_processed(41);
  v1::GetStatsResponse sum = MergeStats({a, b});
  ASSERT_EQ(sum.commands_size(), 2);
  EXPECT_EQ(sum.commands(0).name(), "get");
  EXPECT_EQ(sum.commands(0).calls(), 40);
  EXPECT_EQ(sum.commands(0).usec(), 80);
  EXPECT_EQ(sum.commands(0).p99_usec(), 7);
  EXPECT_EQ(sum.commands(1).calls(), 1);
  EXPECT_EQ(sum.keyspace().hits(), 7);
  EXPECT_EQ(sum.total_commands_processed(), 41);
}

TEST(FindMemberTest, IdPrefixOrAddress) {
  ClusterCheck check = Healthy();
  std::string error;
  EXPECT_EQ(FindMember(check.seed, "bbb", &error)->node_id(), std::string(40, 'b'));
  EXPECT_EQ(FindMember(check.seed, "127.0.0.1:800a", &error)->node_id(), std::string(40, 'a'));
  EXPECT_EQ(FindMember(check.seed, "self", &error)->node_id(), std::string(40, 'a'));
  bool ambiguous = false;
  EXPECT_EQ(FindMember(check.seed, "c", &error, &ambiguous), nullptr);
  EXPECT_FALSE(ambiguous);
  EXPECT_NE(error.find("no member c"), std::string::npos) << error;
  check.seed.mutable_members(1)->set_node_id(std::string(39, 'a') + "b");
  EXPECT_EQ(FindMember(check.seed, "aaaa", &error, &ambiguous), nullptr);
  EXPECT_TRUE(ambiguous);
}

TEST(SplitSeedsTest, TrimsAndDropsEmpty) {
  EXPECT_EQ(SplitSeeds("a:1, b:2 ,,c:3,"), (std::vector<std::string>{"a:1", "b:2", "c:3"}));
  EXPECT_EQ(SplitSeeds("a:1"), (std::vector<std::string>{"a:1"}));
  EXPECT_TRUE(SplitSeeds(" , ").empty());
}

}  // namespace
}  // namespace kv::ctl
