#pragma once

// Copies the backend's plain structs into their kvcache.v1 messages. Field-for-field; the only
// place that knows both shapes.

#include "admin/node_backend.h"
#include "kvcache/v1/admin.pb.h"

namespace kv::admin {

void ToProto(const NodeInfo& in, kvcache::v1::NodeInfo* out);
void ToProto(const NodeStats& in, kvcache::v1::GetStatsResponse* out);
void ToProto(const PersistenceStatus& in, kvcache::v1::PersistenceStatus* out);

}  // namespace kv::admin
