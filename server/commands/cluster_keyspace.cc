#include "server/commands/cluster_keyspace.h"

#include <mutex>
#include <unordered_map>

#include "server/commands/client_state.h"

namespace kv {

// A slot's keys live in one shard (Keyspace::ShardOfSlot): each query scans that shard alone,
// under its lock unless EXEC holds every lock already (CLUSTER COUNTKEYSINSLOT inside MULTI).
size_t CountKeysInSlot(Keyspace& ks, int db, uint16_t slot) {
  const size_t shard = ks.ShardOfSlot(slot);
  ShardLocks lock = ShardLocks::OneUnlessAllHeld(ks, shard);
  size_t n = 0;
  for (const auto& e : ks.shard(shard).dbs[static_cast<size_t>(db)].map()) n += e->slot() == slot;
  return n;
}

std::vector<std::string> KeysInSlot(Keyspace& ks, int db, uint16_t slot, size_t limit) {
  return ks.GetKeysInSlot(static_cast<size_t>(db), slot, limit);
}

int64_t ClusterKeyspace::TotalKeys() {
  Keyspace& ks = dispatcher_.server().keyspace;
  int64_t n = 0;
  for (size_t db = 0; db < ks.num_dbs(); ++db) n += static_cast<int64_t>(ks.KeyCount(db));
  return n;
}

std::vector<cluster::SlotStat> ClusterKeyspace::SlotStats(const std::vector<uint16_t>& slots) {
  // Key counts are kept per slot (every database); bytes take one scan per shard involved.
  Keyspace& ks = dispatcher_.server().keyspace;
  std::unordered_map<size_t, std::vector<uint64_t>> bytes_by_shard;
  std::vector<cluster::SlotStat> out;
  out.reserve(slots.size());
  for (uint16_t s : slots) {
    const size_t shard = ks.ShardOfSlot(s);
    auto it = bytes_by_shard.find(shard);
    if (it == bytes_by_shard.end()) {
      it = bytes_by_shard.emplace(shard, ks.PayloadBytesBySlot(shard)).first;
    }
    out.push_back({s, static_cast<int64_t>(ks.CountKeysInSlot(s)),
                   static_cast<int64_t>(it->second[s - ks.SlotsOfShard(shard).first])});
  }
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
        if (!owned[e->slot()]) doomed[db].emplace_back(e->key());
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
