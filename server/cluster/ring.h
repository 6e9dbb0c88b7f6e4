#pragma once

// The consistent-hash ring: each member places `vnodes` tokens on a 64-bit circle (a hash of its id
// and the vnode index); slot s sits at s * 2^64 / 16384 and its target owner is the member of the
// first token clockwise. Adding a member moves only the slots its tokens now precede, and only to
// it; removing one moves only its own slots.
//
// The ring gives *target* owners. Routing reads the state's slot table (current owners), which
// ring changes and rebalancing move toward the ring.

#include <cstdint>
#include <string>
#include <vector>

#include "server/cluster/cluster_state.h"

namespace kv::cluster {

uint64_t VnodeToken(const std::string& member_id, int vnode);
inline uint64_t SlotPosition(size_t slot) { return static_cast<uint64_t>(slot) << 50; }

// Target owner of every slot as an index into `member_ids`; kNumSlots entries. All kNoOwner when
// `member_ids` is empty.
std::vector<int16_t> RingOwners(const std::vector<std::string>& member_ids, int vnodes);

// The members of `state` that take part in the ring (joining and up; leaving members are being
// drained), by index into state.members.
std::vector<int16_t> RingTargets(const ClusterState& state);

// One slot whose owner the ring wants changed.
struct SlotMove {
  uint16_t slot = 0;
  std::string from;  // empty when the slot had no owner
  std::string to;
};

// The slots whose current owner in `state` differs from the ring target of its ring members.
std::vector<SlotMove> PlanMoves(const ClusterState& state);

}  // namespace kv::cluster
