#pragma once

// The agreed cluster state: what every member holds once an epoch is committed. A full snapshot,
// not a log: a member that missed changes pulls the newest state and is up to date.
//
// Members are kept sorted by id and slot owners are indexes into that vector, so two states with
// the same content serialise (and digest) identically whatever order changes were made in.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/base/key_slot.h"  // kNumSlots

namespace kv::cluster {

inline constexpr int kStateFormatVersion = 1;

// Agreed role of a member. Liveness (up/down as seen by heartbeats) is a local observation and
// not part of the agreed state.
enum class MemberState { kJoining, kUp, kLeaving };
std::string_view MemberStateName(MemberState s);

struct Member {
  std::string id;  // 40 hex chars, from <dir>/node-id
  std::string host;  // announced address (IP or DNS name) for RESP and admin/peer
  int port = 0;        // RESP
  int admin_port = 0;  // gRPC admin and peer plane
  MemberState state = MemberState::kUp;

  std::string RespAddress() const;
  std::string AdminAddress() const;
  bool operator==(const Member&) const = default;
};

// A slot moving between owners (rebalancing, the next cluster issues). Kept in the state so a
// change of ring can record what is under way; empty until rebalancing lands.
struct Migration {
  uint16_t slot = 0;
  std::string from;
  std::string to;
  bool operator==(const Migration&) const = default;
};

inline constexpr int16_t kNoOwner = -1;

struct ClusterState {
  uint64_t epoch = 0;  // 0: no state yet (a node that has neither bootstrapped nor joined)
  // Chosen when the first member bootstraps; a state from another cluster is never adopted.
  std::string cluster_id;
  int vnodes = 128;
  std::vector<Member> members;  // sorted by id
  // kNumSlots entries when epoch > 0: index into members, or kNoOwner.
  std::vector<int16_t> slot_owner;
  std::vector<Migration> migrations;
  // Unique id of the change that produced this epoch: two operators asking for the same change at
  // once produce two different values, and each can tell whether its own was chosen.
  std::string change_id;

  bool empty() const { return epoch == 0; }
  int MemberIndex(std::string_view id) const;  // -1 when not a member
  const Member* FindMember(std::string_view id) const;
  const Member* OwnerOf(size_t slot) const;
  size_t SlotsOwnedBy(std::string_view id) const;
  std::vector<std::string> MemberIds() const;

  // Adds or replaces a member, keeping members sorted and slot owners pointing at the same ids.
  void UpsertMember(Member m);
  // Removes a member; its slots become unowned.
  void RemoveMember(std::string_view id);

  // Canonical serialisation (sorted keys, owners as slot ranges) and its 64-bit digest in hex.
  std::string ToJson() const;
  static std::optional<ClusterState> FromJson(std::string_view text, std::string* error);
  std::string Digest() const;
  bool operator==(const ClusterState&) const = default;
};

// The bootstrap state of a ring of one: epoch 1, every slot owned by `self`.
ClusterState BootstrapState(const Member& self, int vnodes, std::string cluster_id);

}  // namespace kv::cluster
