#pragma once

// Copies the backend's plain structs into their kvcache.v1 messages (and the one request that
// carries more than a flag, RingChangeRequest, back). Field-for-field; the only place that knows
// both shapes.

#include "admin/cluster_backend.h"
#include "admin/node_backend.h"
#include "kvcache/v1/admin.pb.h"

namespace kv::admin {

void ToProto(const NodeInfo& in, kvcache::v1::NodeInfo* out);
void ToProto(const NodeStats& in, kvcache::v1::GetStatsResponse* out);
void ToProto(const PersistenceStatus& in, kvcache::v1::PersistenceStatus* out);

void ToProto(const ClusterStatus& in, kvcache::v1::GetClusterStatusResponse* out);
void ToProto(const RingInfo& in, kvcache::v1::GetRingResponse* out);
void ToProto(const RingPlan& in, kvcache::v1::PlanRingChangeResponse* out);
void ToProto(const RingApplied& in, kvcache::v1::ApplyRingChangeResponse* out);
void ToProto(const KeyLocation& in, kvcache::v1::WhereResponse* out);
RingChange FromProto(const kvcache::v1::RingChangeRequest& in);

}  // namespace kv::admin
