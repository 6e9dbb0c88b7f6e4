#pragma once

// The Admin cluster responses in kvctl's two forms, as render.h does for the node's: JSON with the
// proto's field names and raw numbers, tables with short ids and humanised units.

#include <nlohmann/json.hpp>
#include <string>

#include "kvcache/v1/admin.pb.h"

namespace kv::ctl {

nlohmann::json ToJson(const kvcache::v1::ClusterMember& m);
nlohmann::json ToJson(const kvcache::v1::GetClusterStatusResponse& status);
nlohmann::json ToJson(const kvcache::v1::GetRingResponse& ring);
nlohmann::json ToJson(const kvcache::v1::PlanRingChangeResponse& plan);
nlohmann::json ToJson(const kvcache::v1::ApplyRingChangeResponse& applied);
nlohmann::json ToJson(const kvcache::v1::WhereResponse& where);

// `kvctl nodes`: every member with full ids, as the answering node sees them.
std::string RenderNodes(const kvcache::v1::GetClusterStatusResponse& status);
// `kvctl ring`: share of slots per member; with ranges, the owner of every slot range.
std::string RenderRing(const kvcache::v1::GetRingResponse& ring);
std::string RenderWhere(const std::string& key, const kvcache::v1::WhereResponse& where);
std::string RenderPlan(const kvcache::v1::PlanRingChangeResponse& plan);
std::string RenderApplied(const kvcache::v1::ApplyRingChangeResponse& applied);

// "?" for the -1 a source that did not answer leaves in a move's keys or bytes.
std::string KnownCount(int64_t n);
std::string KnownBytes(int64_t n);

}  // namespace kv::ctl
