#include "server/commands/cluster_routing.h"

#include "server/resp/errors.h"

namespace kv {

std::optional<std::string> ClusterRedirect(const cluster::RoutingTable* table,
                                           const CommandKeys& keys) {
  if (keys.empty()) return std::nullopt;
  if (!keys.SameSlot()) return std::string(resp::kCrossSlotErr);
  const uint16_t slot = keys[0].slot;
  if (table == nullptr || !table->serving()) return std::string(resp::kClusterDownErr);
  const int16_t owner = table->OwnerIndex(slot);
  if (owner == table->self) return std::nullopt;
  if (owner == cluster::kNoOwner || !table->reachable[static_cast<size_t>(owner)]) {
    return std::string(resp::kSlotNotServedErr);
  }
  return "MOVED " + std::to_string(slot) + " " +
         table->members[static_cast<size_t>(owner)].RespAddress();
}

}  // namespace kv
