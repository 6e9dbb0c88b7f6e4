#pragma once

// A ring change (members added or removed) turned into the next state and the slots it moves.
// Pure: the caller resolves addresses to identities and counts keys on the owners.

#include <cstdint>
#include <string>
#include <vector>

#include "server/cluster/cluster_state.h"
#include "server/cluster/peer_transport.h"
#include "server/cluster/ring.h"
#include "server/cluster/status.h"

namespace kv::cluster {

struct ResolvedChange {
  std::vector<Member> add;          // identities answered by Hello or sent with Join
  std::vector<std::string> remove;  // member ids
};

// Members added (as up) or updated (a known id at a new address keeps its slots), members removed,
// and the slot table set to the new ring's targets. `moves` lists every slot whose owner changes.
Status NextRing(const ClusterState& current, const ResolvedChange& change, ClusterState* next,
                std::vector<SlotMove>* moves);

// Moves grouped by (from, to) with the key and byte totals of their slots; `stats` holds what the
// sources reported (a slot missing from it counts as unknown: -1).
struct MoveGroup {
  std::string from;
  std::string to;
  int64_t slots = 0;
  int64_t keys = 0;   // -1 when some source did not answer
  int64_t bytes = 0;  // -1 likewise
};
std::vector<MoveGroup> GroupMoves(const std::vector<SlotMove>& moves,
                                  const std::vector<SlotStat>& stats,
                                  const std::vector<std::string>& unanswered_sources);

// FAILED_PRECONDITION naming the moving slots that hold keys, until rebalancing can move them.
Status RefuseMovingKeys(const std::vector<SlotStat>& stats);

}  // namespace kv::cluster
