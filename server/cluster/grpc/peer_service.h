#pragma once

// kvcache.v1.Peer on the admin port: thin handlers over ClusterNode. A callback service, so no
// call pins a thread of the admin pool; Join, which waits for an agreement round, finishes from a
// thread of its own. Every call needs the cluster secret (bearer metadata).

#include <string>

#include "kvcache/v1/peer.grpc.pb.h"
#include "server/cluster/cluster_node.h"

namespace kv::cluster {

class PeerServiceImpl final : public kvcache::v1::Peer::CallbackService {
 public:
  PeerServiceImpl(ClusterNode& node, std::string secret)
      : node_(node), secret_(std::move(secret)) {}

  grpc::ServerUnaryReactor* Hello(grpc::CallbackServerContext* ctx,
                                  const kvcache::v1::HelloRequest* req,
                                  kvcache::v1::HelloResponse* resp) override;
  grpc::ServerUnaryReactor* Join(grpc::CallbackServerContext* ctx,
                                 const kvcache::v1::JoinRequest* req,
                                 kvcache::v1::JoinResponse* resp) override;
  grpc::ServerUnaryReactor* Agree(grpc::CallbackServerContext* ctx,
                                  const kvcache::v1::AgreementMessage* req,
                                  kvcache::v1::AgreementMessage* resp) override;
  grpc::ServerUnaryReactor* GetClusterState(grpc::CallbackServerContext* ctx,
                                            const kvcache::v1::GetClusterStateRequest* req,
                                            kvcache::v1::GetClusterStateResponse* resp) override;
  grpc::ServerUnaryReactor* Heartbeat(grpc::CallbackServerContext* ctx,
                                      const kvcache::v1::HeartbeatRequest* req,
                                      kvcache::v1::HeartbeatResponse* resp) override;
  grpc::ServerUnaryReactor* GetSlotStats(grpc::CallbackServerContext* ctx,
                                         const kvcache::v1::GetSlotStatsRequest* req,
                                         kvcache::v1::GetSlotStatsResponse* resp) override;

 private:
  grpc::Status Authorize(const grpc::CallbackServerContext& ctx) const;

  ClusterNode& node_;
  const std::string secret_;
};

grpc::Status ToGrpc(const Status& st);

}  // namespace kv::cluster
