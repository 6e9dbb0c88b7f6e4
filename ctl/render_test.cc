#include "ctl/render.h"

#include <gtest/gtest.h>

namespace kv::ctl {
namespace {

kvcache::v1::GetStatsResponse ThreeCommands() {
  kvcache::v1::GetStatsResponse stats;
  for (auto [name, calls] : {std::pair{"del", 5}, {"get", 100}, {"set", 100}}) {
    auto* c = stats.add_commands();
    c->set_name(name);
    c->set_calls(calls);
    c->set_usec(calls * 2);
  }
  stats.mutable_keyspace()->set_hits(3);
  stats.mutable_keyspace()->set_misses(1);
  return stats;
}

TEST(KeepTopCommandsTest, SortsByCallsThenNameAndTrims) {
  auto stats = ThreeCommands();
  KeepTopCommands(&stats, 2);
  ASSERT_EQ(stats.commands_size(), 2);
  EXPECT_EQ(stats.commands(0).name(), "get");
  EXPECT_EQ(stats.commands(1).name(), "set");

  auto all = ThreeCommands();
  KeepTopCommands(&all, 0);
  EXPECT_EQ(all.commands_size(), 3);
  EXPECT_EQ(all.commands(2).name(), "del");
}

TEST(ToJsonTest, StatsUsesStableFieldNamesAndRawNumbers) {
  nlohmann::json j = ToJson(ThreeCommands());
  EXPECT_EQ(j["commands"][1]["name"], "get");
  EXPECT_EQ(j["commands"][1]["calls"], 100);
  EXPECT_EQ(j["commands"][1]["usec"], 200);
  EXPECT_EQ(j["keyspace"]["hits"], 3);
  EXPECT_EQ(j["keyspace"]["misses"], 1);
}

TEST(ToJsonTest, NodeInfoKeyspace) {
  kvcache::v1::NodeInfo info;
  info.set_node_id("abc");
  info.set_used_memory_bytes(1288490189);
  auto* db = info.add_keyspace();
  db->set_db(0);
  db->set_keys(10);
  nlohmann::json j = ToJson(info);
  EXPECT_EQ(j["node_id"], "abc");
  EXPECT_EQ(j["used_memory_bytes"], 1288490189);
  EXPECT_EQ(j["keyspace"][0]["keys"], 10);
}

TEST(RenderTest, HumanUnitsInTables) {
  kvcache::v1::NodeInfo info;
  info.set_used_memory_bytes(1288490189);
  info.set_ops_per_sec(3400);
  std::string text = RenderNodeInfo(info);
  EXPECT_NE(text.find("1.2 GiB"), std::string::npos) << text;
  EXPECT_NE(text.find("3.4k ops/s"), std::string::npos) << text;
  EXPECT_NE(RenderStats(ThreeCommands()).find("75.0% hit ratio"), std::string::npos);
}

}  // namespace
}  // namespace kv::ctl
