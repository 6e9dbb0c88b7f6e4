#pragma once

// An immutable snapshot of what routing needs: the committed slot table, the members' announced
// addresses and whether each is reachable. ClusterNode publishes a new one whenever the state or a
// member's liveness changes; readers on the RESP threads hold a shared_ptr and never lock.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "server/cluster/cluster_state.h"

namespace kv::cluster {

struct RoutingTable {
  uint64_t epoch = 0;
  std::string cluster_id;
  std::string self_id;
  int self = -1;        // index of this node in members, -1 when it is not a member
  bool synced = false;  // the node has synced with the cluster and serves its slots
  std::vector<Member> members;
  std::vector<bool> reachable;      // by member index; true for self
  std::vector<int16_t> slot_owner;  // kNumSlots entries (empty before the first state)

  bool serving() const { return synced && self >= 0; }
  int16_t OwnerIndex(size_t slot) const {
    return slot < slot_owner.size() ? slot_owner[slot] : kNoOwner;
  }
  bool OwnsSlot(size_t slot) const { return self >= 0 && OwnerIndex(slot) == self; }
};

using RoutingPtr = std::shared_ptr<const RoutingTable>;

}  // namespace kv::cluster
