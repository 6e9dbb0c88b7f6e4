#include "server/commands/cluster_keyspace.h"

#include <mutex>
#include <unordered_map>

#include "server/base/key_slot.h"
#include "server/commands/client_state.h"

namespace kv {

// These scan every shard for the slot's keys: CLUSTER COUNTKEYSINSLOT and ring planning are rare,
// and a scan needs no per-slot index on the write path. Called from command handlers, also inside
// EXEC, which already holds every shard lock: take them all unless this thread has them.
size_t CountKeysInSlot(Keyspace& ks, int db, uint16_t slot) {
  ShardLocks all = ShardLocks::AllUnlessHeld(ks);
  size_t n = 0;
  for (size_t i = 0; i < ks.num_shards(); ++i) {
    Shard& sh = ks.shard(i);
    for (const auto& e : sh.dbs[static_cast<size_t>(db)].map()) {
      if (KeySlot(e->key()) == slot) ++n;
    }
  }
  return n;
}

std::vector<std::string> KeysInSlot(Keyspace& ks, int db, uint16_t slot, size_t limit) {
  ShardLocks all = ShardLocks::AllUnlessHeld(ks);
  std::vector<std::string> keys;
  for (size_t i = 0; i < ks.num_shards() && keys.size() < limit; ++i) {
    Shard& sh = ks.shard(i);
    for (const auto& e : sh.dbs[static_cast<size_t>(db)].map()) {
      if (keys.size() >= limit) break;
      if (KeySlot(e->key()) == slot) keys.emplace_back(e->key());
    }
  }
  return keys;
}

int64_t ClusterKeyspace::TotalKeys() {
  Keyspace& ks = dispatcher_.server().keyspace;
  int64_t n = 0;
  for (size_t db = 0; db < ks.num_dbs(); ++db) n += static_cast<int64_t>(ks.KeyCount(db));
  return n;
}

std::vector<cluster::SlotStat> ClusterKeyspace::SlotStats(const std::vector<uint16_t>& slots) {
  std::unordered_map<uint16_t, cluster::SlotStat> by_slot;
  for (uint16_t s : slots) by_slot[s] = cluster::SlotStat{s, 0, 0};
  Keyspace& ks = dispatcher_.server().keyspace;
  for (size_t i = 0; i < ks.num_shards(); ++i) {
    Shard& sh = ks.shard(i);
    std::lock_guard lock(sh.mu);
    for (const DbTable& table : sh.dbs) {
      for (const auto& e : table.map()) {
        auto it = by_slot.find(KeySlot(e->key()));
        if (it == by_slot.end()) continue;
        ++it->second.keys;
        it->second.bytes += static_cast<int64_t>(e->BlockSize() + e->value.MemoryUsage());
      }
    }
  }
  std::vector<cluster::SlotStat> out;
  for (uint16_t s : slots) out.push_back(by_slot[s]);
  return out;
}

size_t ClusterKeyspace::DropUnowned(const std::vector<bool>& owned) {
  Keyspace& ks = dispatcher_.server().keyspace;
  std::vector<std::vector<std::string>> doomed(ks.num_dbs());
  for (size_t i = 0; i < ks.num_shards(); ++i) {
    Shard& sh = ks.shard(i);
    std::lock_guard lock(sh.mu);
    for (size_t db = 0; db < sh.dbs.size(); ++db) {
      for (const auto& e : sh.dbs[db].map()) {
        if (!owned[KeySlot(e->key())]) doomed[db].emplace_back(e->key());
      }
    }
  }
  ClientState client;
  client.authenticated = true;
  client.no_route = true;
  std::string reply;
  resp::ReplyBuilder rb(&reply);
  size_t dropped = 0;
  for (size_t db = 0; db < doomed.size(); ++db) {
    client.db = static_cast<int>(db);
    for (const std::string& key : doomed[db]) {
      std::string_view argv[] = {"UNLINK", key};
      reply.clear();
      dispatcher_.Execute(client, argv, rb);
      if (reply == ":1\r\n") ++dropped;
    }
  }
  return dropped;
}

}  // namespace kv
