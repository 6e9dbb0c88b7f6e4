#pragma once

// The keyspace as the cluster core sees it (cluster::LocalKeyspace), and the per-slot queries of
// CLUSTER COUNTKEYSINSLOT / GETKEYSINSLOT.

#include <cstdint>
#include <string>
#include <vector>

#include "server/cluster/peer_transport.h"
#include "server/commands/dispatcher.h"

namespace kv {

// Keys of `slot` in database `db`, and at most `limit` of their names.
size_t CountKeysInSlot(Keyspace& ks, int db, uint16_t slot);
std::vector<std::string> KeysInSlot(Keyspace& ks, int db, uint16_t slot, size_t limit);

class ClusterKeyspace final : public cluster::LocalKeyspace {
 public:
  explicit ClusterKeyspace(Dispatcher& dispatcher) : dispatcher_(dispatcher) {}

  int64_t TotalKeys() override;
  std::vector<cluster::SlotStat> SlotStats(const std::vector<uint16_t>& slots) override;
  // Runs UNLINK through the dispatcher for each key, so the AOF, WATCH and blocked clients see the
  // deletions like any other.
  size_t DropUnowned(const std::vector<bool>& owned) override;

 private:
  Dispatcher& dispatcher_;
};

}  // namespace kv
