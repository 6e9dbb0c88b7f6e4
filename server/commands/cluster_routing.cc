#include "server/commands/cluster_routing.h"

#include "server/base/key_slot.h"
#include "server/resp/errors.h"

namespace kv {

std::optional<std::string> ClusterRedirect(const cluster::RoutingTable* table, ArgList args,
                                           const KeyIndexVec& key_pos) {
  if (key_pos.empty()) return std::nullopt;
  const uint16_t slot = KeySlot(args[key_pos[0]]);
  for (size_t i = 1; i < key_pos.size(); ++i) {
    if (KeySlot(args[key_pos[i]]) != slot) return std::string(resp::kCrossSlotErr);
  }
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
