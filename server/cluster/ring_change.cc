#include "server/cluster/ring_change.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <unordered_map>

namespace kv::cluster {

Status NextRing(const ClusterState& current, const ResolvedChange& change, ClusterState* next,
                std::vector<SlotMove>* moves) {
  *next = current;
  for (const std::string& id : change.remove) {
    if (next->MemberIndex(id) < 0) {
      return Status::Error(StatusCode::kNotFound, fmt::format("no member {}", id));
    }
  }
  for (const Member& m : change.add) {
    if (std::find(change.remove.begin(), change.remove.end(), m.id) != change.remove.end()) {
      return Status::Error(StatusCode::kInvalidArgument,
                           fmt::format("{} is both added and removed", m.id));
    }
    Member up = m;
    up.state = MemberState::kUp;
    next->UpsertMember(std::move(up));
  }
  // Owners by id before the change, so moves are named after members, not shifting indexes.
  std::vector<std::string> before(kNumSlots);
  for (size_t s = 0; s < kNumSlots; ++s) {
    if (const Member* o = current.OwnerOf(s)) before[s] = o->id;
  }
  for (const std::string& id : change.remove) next->RemoveMember(id);
  if (next->members.empty()) {
    return Status::Error(StatusCode::kFailedPrecondition,
                         "the change would leave the cluster without members");
  }
  next->slot_owner = RingTargets(*next);
  moves->clear();
  for (size_t s = 0; s < kNumSlots; ++s) {
    const Member* after = next->OwnerOf(s);
    const std::string to = after ? after->id : std::string();
    if (to != before[s]) moves->push_back(SlotMove{static_cast<uint16_t>(s), before[s], to});
  }
  return Status::Ok();
}

std::vector<MoveGroup> GroupMoves(const std::vector<SlotMove>& moves,
                                  const std::vector<SlotStat>& stats,
                                  const std::vector<std::string>& unanswered_sources) {
  std::unordered_map<uint16_t, const SlotStat*> by_slot;
  for (const SlotStat& st : stats) by_slot[st.slot] = &st;
  std::map<std::pair<std::string, std::string>, MoveGroup> groups;
  for (const SlotMove& mv : moves) {
    MoveGroup& g = groups[{mv.from, mv.to}];
    g.from = mv.from;
    g.to = mv.to;
    ++g.slots;
    const bool unknown = std::find(unanswered_sources.begin(), unanswered_sources.end(),
                                   mv.from) != unanswered_sources.end();
    if (unknown || g.keys < 0) {
      g.keys = g.bytes = -1;
      continue;
    }
    if (auto it = by_slot.find(mv.slot); it != by_slot.end()) {
      g.keys += it->second->keys;
      g.bytes += it->second->bytes;
    }
  }
  std::vector<MoveGroup> out;
  for (auto& [k, g] : groups) out.push_back(std::move(g));
  return out;
}

Status RefuseMovingKeys(const std::vector<SlotStat>& stats) {
  std::vector<const SlotStat*> full;
  int64_t keys = 0;
  for (const SlotStat& st : stats) {
    if (st.keys > 0) {
      full.push_back(&st);
      keys += st.keys;
    }
  }
  if (full.empty()) return Status::Ok();
  std::string list;
  for (size_t i = 0; i < full.size() && i < 10; ++i) {
    list += fmt::format("{}{} ({} keys)", i ? ", " : "", full[i]->slot, full[i]->keys);
  }
  if (full.size() > 10) list += fmt::format(", and {} more", full.size() - 10);
  return Status::Error(
      StatusCode::kFailedPrecondition,
      fmt::format("{} slots that would move hold {} keys: {}; moving keys needs rebalancing, "
                  "which this version does not do yet",
                  full.size(), keys, list));
}

}  // namespace kv::cluster
