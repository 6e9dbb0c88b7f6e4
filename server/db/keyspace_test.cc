// The slot → shard mapping and the per-slot key counts and queries of Keyspace.

#include "server/db/keyspace.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "server/db/keyspace_test_util.h"

namespace kv {
namespace {

std::string KeyInSlot(uint16_t slot, int n) {
  // Keys of one slot through a hash tag, as clients make them.
  for (int tag = 0;; ++tag) {
    std::string t = std::to_string(tag);
    if (KeySlot(t) == slot) return "{" + t + "}:" + std::to_string(n);
  }
}

TEST(KeyspaceSlots, EachShardHoldsOneContiguousRange) {
  for (size_t shards : {1, 3, 7, 64, 4096, 16384}) {
    Keyspace ks(1, shards);
    uint16_t next = 0;
    for (size_t i = 0; i < shards; ++i) {
      SlotRange r = ks.SlotsOfShard(i);
      ASSERT_EQ(r.first, next) << shards << " shards, shard " << i;
      ASSERT_LT(r.first, r.end) << "every shard holds a slot";
      EXPECT_EQ(ks.ShardOfSlot(r.first), i);
      EXPECT_EQ(ks.ShardOfSlot(static_cast<uint16_t>(r.end - 1)), i);
      next = r.end;
    }
    EXPECT_EQ(next, kNumSlots);
  }
  Keyspace ks(1, 64);
  EXPECT_EQ(ks.SlotsOfShard(1).first, 256);
  EXPECT_EQ(ks.ShardIndex("{user1000}.a"), ks.ShardIndex("{user1000}.b"));
  EXPECT_EQ(ks.ShardIndex("123456789"), 12739u * 64 / kNumSlots);
}

TEST(KeyspaceSlots, MoreShardsThanSlotsAreCapped) {
  Keyspace ks(1, 100000);
  EXPECT_EQ(ks.num_shards(), kNumSlots);
}

TEST(KeyspaceSlots, CountsFollowEveryTableOperation) {
  Keyspace ks(2, 8);
  auto table = [&](std::string_view key, size_t db = 0) -> DbTable& {
    return ks.shard(ks.ShardIndex(key)).dbs[db];
  };
  const uint16_t slot = KeySlot("a");
  table("a").Upsert("a", Value("1"));
  table("a").Upsert("a", Value("2"));  // overwrite: still one key
  table("a", 1).FindOrInsert("a", 0);  // the same key in another database counts too
  table("a", 1).FindOrInsert("a", 0);
  EXPECT_EQ(ks.CountKeysInSlot(slot), 2u);
  EXPECT_TRUE(table("a", 1).Erase("a"));
  EXPECT_FALSE(table("a", 1).Erase("a"));
  EXPECT_EQ(ks.CountKeysInSlot(slot), 1u);
  EXPECT_EQ(test::SlotCountMismatch(ks), "");

  // Lazy and active expiry.
  for (int i = 0; i < 100; ++i) {
    std::string k = "x" + std::to_string(i);
    table(k).SetExpire(table(k).Upsert(k, Value("v")), 1000 + i);
  }
  EXPECT_EQ(test::SlotCountMismatch(ks), "");
  EXPECT_EQ(table("x7").Find("x7", 5000), nullptr);
  EXPECT_EQ(test::SlotCountMismatch(ks), "");
  EXPECT_EQ(ks.ActiveExpireCycle(1050, 1000), 50u);  // x0..x50 but x7, already gone
  EXPECT_EQ(test::SlotCountMismatch(ks), "");

  for (size_t s = 0; s < ks.num_shards(); ++s) ks.shard(s).dbs[0].Clear();
  EXPECT_EQ(ks.CountKeysInSlot(slot), 0u);
  EXPECT_EQ(test::SlotCountMismatch(ks), "");
  EXPECT_EQ(ks.KeyCount(0), 0u);
}

TEST(KeyspaceSlots, GetKeysInSlotAndPayloadBytes) {
  Keyspace ks(2, 16);
  const uint16_t slot = KeySlot("0");
  for (int i = 0; i < 10; ++i) {
    std::string k = KeyInSlot(slot, i);
    ks.shard(ks.ShardIndex(k)).dbs[0].Upsert(k, Value(std::string(100, 'v')));
  }
  std::string other = KeyInSlot(static_cast<uint16_t>(slot + 1), 0);  // a neighbour, same shard
  ASSERT_EQ(ks.ShardIndex(other), ks.ShardOfSlot(slot));
  ks.shard(ks.ShardIndex(other)).dbs[0].Upsert(other, Value("x"));
  std::string in_db1 = KeyInSlot(slot, 99);
  ks.shard(ks.ShardIndex(in_db1)).dbs[1].Upsert(in_db1, Value("y"));

  EXPECT_EQ(ks.CountKeysInSlot(slot), 11u);
  std::vector<std::string> keys = ks.GetKeysInSlot(0, slot, 100);
  ASSERT_EQ(keys.size(), 10u);
  for (const auto& k : keys) EXPECT_EQ(KeySlot(k), slot) << k;
  EXPECT_EQ(ks.GetKeysInSlot(0, slot, 3).size(), 3u);
  EXPECT_EQ(ks.GetKeysInSlot(1, slot, 100), std::vector<std::string>{in_db1});
  EXPECT_TRUE(ks.GetKeysInSlot(0, static_cast<uint16_t>(slot + 2), 100).empty());

  // Payload: MEMORY USAGE of every key of the slot, all databases.
  uint64_t expected = 0;
  for (const auto& k : keys) {
    expected += ks.shard(ks.ShardIndex(k)).dbs[0].Find(k, 0)->MemoryUsage();
  }
  expected += ks.shard(ks.ShardIndex(in_db1)).dbs[1].Find(in_db1, 0)->MemoryUsage();
  EXPECT_EQ(ks.SlotPayloadBytes(slot), expected);
  EXPECT_GT(expected, 10u * 100);
  const size_t shard = ks.ShardOfSlot(slot);
  std::vector<uint64_t> by_slot = ks.PayloadBytesBySlot(shard);
  const SlotRange range = ks.SlotsOfShard(shard);
  ASSERT_EQ(by_slot.size(), size_t{range.end} - range.first);
  EXPECT_EQ(by_slot[slot - range.first], expected);
  EXPECT_GT(by_slot[slot + 1 - range.first], 0u);
  EXPECT_EQ(ks.SlotPayloadBytes(static_cast<uint16_t>(slot + 2)), 0u);
}

TEST(KeyspaceSlots, QueriesInsideAllLocksDoNotDeadlock) {
  Keyspace ks(1, 4);
  ks.shard(ks.ShardIndex("k")).dbs[0].Upsert("k", Value("v"));
  ShardLocks all = ShardLocks::All(ks);  // as EXEC holds them
  EXPECT_EQ(ks.GetKeysInSlot(0, KeySlot("k"), 10), std::vector<std::string>{"k"});
  EXPECT_GT(ks.SlotPayloadBytes(KeySlot("k")), 0u);
}

}  // namespace
}  // namespace kv
