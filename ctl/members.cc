#include "ctl/members.h"

#include <fmt/format.h>

#include <cstdio>

namespace kv::ctl {

namespace v1 = kvcache::v1;

int FetchClusterStatus(AdminClient& seed, v1::GetClusterStatusResponse* out) {
  grpc::ClientContext ctx;
  seed.Prepare(&ctx);
  grpc::Status status = seed.admin().GetClusterStatus(&ctx, v1::GetClusterStatusRequest(), out);
  if (!status.ok()) {
    fmt::print(stderr, "{}\n", ErrorLine(seed.addr(), status));
    return ExitCodeFor(status);
  }
  return kExitOk;
}

const v1::ClusterMember* FindMember(const v1::GetClusterStatusResponse& status,
                                    const std::string& which, std::string* error, bool* ambiguous) {
  const v1::ClusterMember* found = nullptr;
  int matches = 0;
  for (const auto& m : status.members()) {
    if (m.node_id() == which || m.admin_address() == which) return &m;  // exact wins
    if (which == "self" && m.is_self()) return &m;
    if (!which.empty() && m.node_id().starts_with(which)) {
      found = &m;
      ++matches;
    }
  }
  if (matches == 1) return found;
  if (ambiguous != nullptr) *ambiguous = matches > 1;
  *error = matches == 0 ? fmt::format("no member {} in the cluster (see kvctl nodes)", which)
                        : fmt::format("{} matches {} members; give more of the id", which, matches);
  return nullptr;
}

int ExitCodeForMembers(const std::vector<grpc::Status>& statuses,
                       const std::vector<std::string>& addresses) {
  bool unreached = false, refused = false;
  for (size_t i = 0; i < statuses.size(); ++i) {
    if (statuses[i].ok()) continue;
    fmt::print(stderr, "{}\n", ErrorLine(addresses[i], statuses[i]));
    (Unreachable(statuses[i]) ? unreached : refused) = true;
  }
  if (unreached) return kExitPartial;
  return refused ? kExitFailed : kExitOk;
}

std::string ShortId(const std::string& node_id) {
  if (node_id.empty()) return "-";
  return node_id.substr(0, 8);
}

}  // namespace kv::ctl
