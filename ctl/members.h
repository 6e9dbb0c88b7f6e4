#pragma once

// How kvctl reaches the members of a cluster: the membership comes from one seed's
// GetClusterStatus, and each member is then called at its announced admin address (the seed itself
// through the connection kvctl already has, which may be an address only kvctl knows, such as a
// port forward). Calls to several members run in parallel, one thread each: a stopped member
// costs one timeout, not one per member.

#include <string>
#include <thread>
#include <vector>

#include "ctl/client.h"
#include "kvcache/v1/admin.pb.h"

namespace kv::ctl {

// The seed's view of the cluster. On failure prints the error line and returns its exit code.
int FetchClusterStatus(AdminClient& seed, kvcache::v1::GetClusterStatusResponse* out);

// The member `which` names: its full id, a unique id prefix, its admin address, or "self" for the
// node that answered (a pod's own admin port, say). nullptr and
// *error when none or several match (then *ambiguous, when given, says which of the two).
const kvcache::v1::ClusterMember* FindMember(const kvcache::v1::GetClusterStatusResponse& status,
                                             const std::string& which, std::string* error,
                                             bool* ambiguous = nullptr);

// One member's answer to a fanned-out call.
template <typename Resp>
struct MemberReply {
  kvcache::v1::ClusterMember member;
  grpc::Status status;
  Resp resp;
};

// Runs `call(client, resp)` against every member, in parallel, and returns the replies in the
// members' order. `call` makes its own ClientContexts (Prepare'd) and returns the first failure.
template <typename Resp, typename Call>
std::vector<MemberReply<Resp>> CallMembers(const ConnectOptions& options, AdminClient& seed,
                                           const std::vector<kvcache::v1::ClusterMember>& members,
                                           Call call) {
  std::vector<MemberReply<Resp>> replies(members.size());
  std::vector<std::thread> threads;
  threads.reserve(members.size());
  for (size_t i = 0; i < members.size(); ++i) {
    replies[i].member = members[i];
    threads.emplace_back([&, i] {
      MemberReply<Resp>& r = replies[i];
      if (r.member.is_self()) {
        r.status = call(seed, &r.resp);
        return;
      }
      std::string error;
      auto client = AdminClient::Create(WithAddr(options, r.member.admin_address()), &error);
      r.status =
          client ? call(*client, &r.resp) : grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, error);
    });
  }
  for (auto& t : threads) t.join();
  return replies;
}

// --all's exit code: kExitPartial when some member was not reached, else kExitFailed when some
// refused, else kExitOk. Prints one error line per failed member to stderr.
int ExitCodeForMembers(const std::vector<grpc::Status>& statuses,
                       const std::vector<std::string>& addresses);

template <typename Resp>
int ReportMemberFailures(const std::vector<MemberReply<Resp>>& replies) {
  std::vector<grpc::Status> statuses;
  std::vector<std::string> addresses;
  for (const auto& r : replies) {
    statuses.push_back(r.status);
    addresses.push_back(r.member.admin_address());
  }
  return ExitCodeForMembers(statuses, addresses);
}

// First 8 characters of a node id, as tables show it; "-" for none.
std::string ShortId(const std::string& node_id);

}  // namespace kv::ctl
