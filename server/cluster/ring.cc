#include "server/cluster/ring.h"

#include <xxhash.h>

#include <algorithm>
#include <string_view>
#include <utility>

namespace kv::cluster {

uint64_t VnodeToken(const std::string& member_id, int vnode) {
  std::string buf = member_id;
  buf.push_back('#');
  buf += std::to_string(vnode);
  return XXH3_64bits(buf.data(), buf.size());
}

std::vector<int16_t> RingOwners(const std::vector<std::string>& member_ids, int vnodes) {
  std::vector<int16_t> owners(kNumSlots, kNoOwner);
  if (member_ids.empty() || vnodes <= 0) return owners;
  std::vector<std::pair<uint64_t, int16_t>> tokens;
  tokens.reserve(member_ids.size() * static_cast<size_t>(vnodes));
  for (size_t m = 0; m < member_ids.size(); ++m) {
    for (int v = 0; v < vnodes; ++v) {
      tokens.emplace_back(VnodeToken(member_ids[m], v), static_cast<int16_t>(m));
    }
  }
  // Ties (two equal 64-bit tokens) are broken by member index so every node computes the same.
  std::sort(tokens.begin(), tokens.end());
  // Slots and tokens are both sorted around the circle: one merge pass assigns every slot.
  size_t t = 0;
  for (size_t s = 0; s < kNumSlots; ++s) {
    const uint64_t pos = SlotPosition(s);
    while (t < tokens.size() && tokens[t].first < pos) ++t;
    owners[s] = t < tokens.size() ? tokens[t].second : tokens.front().second;  // wrap around
  }
  return owners;
}

std::vector<int16_t> RingTargets(const ClusterState& state) {
  std::vector<std::string> ids;
  std::vector<int16_t> index_of_ring_member;
  for (size_t i = 0; i < state.members.size(); ++i) {
    if (state.members[i].state == MemberState::kLeaving) continue;
    ids.push_back(state.members[i].id);
    index_of_ring_member.push_back(static_cast<int16_t>(i));
  }
  std::vector<int16_t> owners = RingOwners(ids, state.vnodes);
  for (int16_t& o : owners) {
    if (o != kNoOwner) o = index_of_ring_member[static_cast<size_t>(o)];
  }
  return owners;
}

std::vector<SlotMove> PlanMoves(const ClusterState& state) {
  std::vector<SlotMove> moves;
  const std::vector<int16_t> target = RingTargets(state);
  for (size_t s = 0; s < kNumSlots; ++s) {
    const int16_t cur = s < state.slot_owner.size() ? state.slot_owner[s] : kNoOwner;
    if (cur == target[s] || target[s] == kNoOwner) continue;
    SlotMove mv;
    mv.slot = static_cast<uint16_t>(s);
    if (cur != kNoOwner) mv.from = state.members[static_cast<size_t>(cur)].id;
    mv.to = state.members[static_cast<size_t>(target[s])].id;
    moves.push_back(std::move(mv));
  }
  return moves;
}

}  // namespace kv::cluster
