#pragma once

// The cluster as the admin plane sees it (kvcache.v1.Admin's cluster RPCs). Pure interface with
// plain structs, like node_backend.h: no gRPC or protobuf types. The node implements it over
// server/cluster's ClusterNode; tests use a fake. Called on gRPC's threads; calls may block for as
// long as an agreement round takes (ApplyRingChange).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "admin/node_backend.h"

namespace kv::admin {

struct ClusterMemberInfo {
  std::string node_id;
  std::string resp_address;
  std::string admin_address;
  std::string state;  // joining, up, leaving
  bool reachable = false;
  int64_t slots = 0;
  bool is_self = false;
  int64_t last_heard_ms = 0;
};

struct ClusterStatus {
  uint64_t epoch = 0;
  std::string digest;
  std::string node_id;
  std::string cluster_id;
  bool synced = false;
  int32_t vnodes = 0;
  int64_t slots_unserved = 0;
  std::vector<ClusterMemberInfo> members;  // by node id
};

struct RingShare {
  std::string node_id;
  int64_t slots = 0;
  double percent = 0;
  int64_t ring_slots = 0;
};

struct SlotRange {
  uint32_t first = 0;
  uint32_t last = 0;
  std::string node_id;
};

struct RingInfo {
  uint64_t epoch = 0;
  int32_t vnodes = 0;
  std::vector<RingShare> shares;
  std::vector<SlotRange> ranges;  // filled when asked for
};

struct RingChange {
  std::vector<std::string> add;     // admin addresses
  std::vector<std::string> remove;  // node ids or admin addresses
  std::optional<uint64_t> if_epoch;
  bool force = false;
};

struct SlotMoveSummary {
  std::string from_node_id;
  std::string to_node_id;
  int64_t slots = 0;
  int64_t keys = -1;
  int64_t bytes = -1;
};

struct RingPlan {
  uint64_t epoch = 0;
  std::vector<SlotMoveSummary> moves;
  std::vector<ClusterMemberInfo> members;  // after the change
};

struct RingApplied {
  uint64_t epoch = 0;
  std::string digest;
  std::vector<SlotMoveSummary> moves;
};

struct KeyLocation {
  uint32_t slot = 0;
  std::string node_id;
  std::string resp_address;
  std::string admin_address;
  uint64_t epoch = 0;
  std::string migration = "stable";
  bool reachable = false;
};

class ClusterBackend {
 public:
  virtual ~ClusterBackend() = default;
  virtual ClusterStatus GetStatus() = 0;
  virtual RingInfo GetRing(bool with_ranges) = 0;
  virtual AdminError PlanRingChange(const RingChange& change, RingPlan* out) = 0;
  virtual AdminError ApplyRingChange(const RingChange& change, RingApplied* out) = 0;
  virtual KeyLocation Where(const std::string& key) = 0;
};

}  // namespace kv::admin
