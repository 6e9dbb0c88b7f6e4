#include "ctl/call.h"

#include "ctl/members.h"

namespace kv::ctl {

std::unique_ptr<AdminClient> Connect(const GlobalOptions& g, const std::string& node,
                                     int* exit_code) {
  std::string error;
  auto seed = ConnectSeed(g.connect, &error);
  if (!seed) {
    fmt::print(stderr, "kvctl: {}\n", error);
    *exit_code = kExitUsage;
    return nullptr;
  }
  if (node.empty()) return seed;
  kvcache::v1::GetClusterStatusResponse status;
  if (int code = FetchClusterStatus(*seed, &status); code != kExitOk) {
    *exit_code = code;
    return nullptr;
  }
  const kvcache::v1::ClusterMember* member = FindMember(status, node, &error);
  if (member == nullptr) {
    fmt::print(stderr, "kvctl: {}\n", error);
    *exit_code = kExitUsage;
    return nullptr;
  }
  if (member->is_self()) return seed;
  auto client = AdminClient::Create(WithAddr(g.connect, member->admin_address()), &error);
  if (!client) {
    fmt::print(stderr, "kvctl: {}\n", error);
    *exit_code = kExitUsage;
  }
  return client;
}

}  // namespace kv::ctl
