// The keyspace's side of eviction: access stamps (LRU, LFU), sampling sweeps, the frequency
// sketch, and handing entries over for background freeing.

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "server/db/access.h"
#include "server/db/db_table.h"
#include "server/db/freq_sketch.h"

namespace kv {
namespace {

TEST(AccessTrackerTest, LruIdleTimeFollowsTheClock) {
  AccessTracker access;
  access.Tick(1'000'000);
  const uint32_t stamp = access.NewStamp();
  access.Tick(1'004'000);
  EXPECT_EQ(access.IdleMs(stamp), 4000u);
  EXPECT_EQ(access.IdleMs(access.Touched(stamp, 0)), 0u);
}

TEST(AccessTrackerTest, LfuStartsAtFiveCountsTheFirstAccessAndDecays) {
  AccessTracker access;
  access.set_mode(AccessMode::kLfu);
  access.Tick(60'000 * 100);
  uint32_t stamp = access.NewStamp();
  EXPECT_EQ(access.LfuCounter(stamp), AccessTracker::kLfuInitVal);
  stamp = access.Touched(stamp, ~uint64_t{0});  // p = 1 at the initial value, whatever the draw
  EXPECT_EQ(access.LfuCounter(stamp), AccessTracker::kLfuInitVal + 1);
  // Above it the increment is probabilistic: a draw of 1.0 never increments.
  EXPECT_EQ(access.LfuCounter(access.Touched(stamp, ~uint64_t{0})), AccessTracker::kLfuInitVal + 1);
  // lfu-decay-time 1: one less per idle minute.
  access.Tick(60'000 * 103);
  EXPECT_EQ(access.LfuCounter(stamp), AccessTracker::kLfuInitVal - 2);
}

TEST(DbTableSamplingTest, SweepsReachEveryKeyAndSurviveInserts) {
  DbTable t;
  for (int i = 0; i < 100; ++i) t.Upsert("k" + std::to_string(i), Value("v"));
  std::set<std::string> seen;
  std::vector<Entry*> out;
  for (int round = 0; round < 20; ++round) t.SampleKeys(5, &out);
  for (Entry* e : out) seen.emplace(e->key());
  EXPECT_EQ(seen.size(), 100u);  // consecutive windows: one sweep visits every key once
  // Inserts (and the rehashes they cause) between samples: the sweep goes on.
  for (int round = 0; round < 50; ++round) {
    for (int i = 0; i < 10; ++i) t.Upsert("n" + std::to_string(round * 10 + i), Value("v"));
    out.clear();
    t.SampleKeys(5, &out);
    ASSERT_EQ(out.size(), 5u);
  }
}

TEST(DbTableSamplingTest, VolatileSamplesOnlyKeysWithADeadlineAndNearestComeFirst) {
  DbTable t;
  for (int i = 0; i < 10; ++i) {
    Entry* e = t.Upsert("v" + std::to_string(i), Value("x"));
    t.SetExpire(e, 1000 + (i * 7) % 10);
    t.Upsert("p" + std::to_string(i), Value("x"));
  }
  std::vector<Entry*> out;
  for (int round = 0; round < 4; ++round) t.SampleVolatile(5, &out);
  for (Entry* e : out) EXPECT_NE(e->expire_at_ms, 0);
  out.clear();
  t.NearestDeadlines(3, &out);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0]->expire_at_ms, 1000);
  EXPECT_EQ(out[2]->expire_at_ms, 1002);
}

TEST(DbTableTest, ExtractAndTakeAllHandEntriesOver) {
  DbTable t;
  Entry* e = t.Upsert("a", Value("1"));
  t.SetExpire(e, 5000);
  t.Upsert("b", Value("2"));
  EntryPtr a = t.Extract("a");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->key(), "a");
  EXPECT_EQ(t.size(), 1u);
  EXPECT_EQ(t.expires_size(), 0u);
  EXPECT_EQ(t.Extract("a"), nullptr);
  DbTable::Contents all = t.TakeAll();
  EXPECT_EQ(all.map.size(), 1u);
  EXPECT_EQ(t.size(), 0u);
  t.Upsert("c", Value("3"));  // still usable
  EXPECT_EQ(t.size(), 1u);
}

TEST(FrequencySketchTest, EstimatesFollowRequestsAndHalve) {
  FrequencySketch sketch(1024);
  for (int i = 0; i < 10; ++i) sketch.Increment(42);
  EXPECT_EQ(sketch.Estimate(42), 10);
  EXPECT_EQ(sketch.Estimate(43), 0);
  for (int i = 0; i < 30; ++i) sketch.Increment(42);
  EXPECT_EQ(sketch.Estimate(42), FrequencySketch::kMaxCount);  // 4-bit counters saturate
  // 10 x width increments of other keys: every counter halves at least once.
  for (uint64_t i = 0; i < 10 * 1024; ++i) sketch.Increment(i * 0x9e3779b97f4a7c15ULL + 1);
  EXPECT_LE(sketch.Estimate(42), 8);
}

TEST(DbTableTest, SketchCountsHitsAndMisses) {
  DbTable t;
  AccessTracker access;
  t.set_access(&access);
  t.EnableSketch(true);
  t.Find("absent", 0);
  t.Find("absent", 0);
  EXPECT_EQ(t.SketchEstimate("absent"), 2);
  t.EnableSketch(false);
  EXPECT_EQ(t.SketchEstimate("absent"), 0);
}

}  // namespace
}  // namespace kv
