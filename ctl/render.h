#pragma once

// Turns admin responses into kvctl's two output forms: JSON with the proto's field names (stable:
// they only ever gain fields) and aligned tables with humanised units.

#include <nlohmann/json.hpp>
#include <string>

#include "kvcache/v1/admin.pb.h"

namespace kv::ctl {

nlohmann::json ToJson(const kvcache::v1::NodeInfo& info);
nlohmann::json ToJson(const kvcache::v1::GetStatsResponse& stats);
nlohmann::json ToJson(const kvcache::v1::PersistenceStatus& p);

std::string RenderNodeInfo(const kvcache::v1::NodeInfo& info);
std::string RenderStats(const kvcache::v1::GetStatsResponse& stats);
std::string RenderPersistence(const kvcache::v1::PersistenceStatus& p);

// Keeps the `n` most-called commands, most called first (ties by name); n <= 0 keeps all, still
// sorted.
void KeepTopCommands(kvcache::v1::GetStatsResponse* stats, int n);

}  // namespace kv::ctl
