#pragma once

// gRPC glue for kvcache.v1.Admin: one short override per RPC, each checking the token, handing
// off to the NodeBackend and mapping its error through ToGrpcStatus. Included only by
// admin_server.cc and tests.
//
// Why the synchronous Service and not CallbackService: RewriteAof with wait blocks until the
// rewrite ends, and the node's calls may block on its own threads. Callback reactors must never
// block (they run on gRPC's shared event-engine threads), so each such RPC would need a private
// executor. The sync server already runs handlers on its own bounded thread pool, which is what
// admin traffic needs; throughput is irrelevant at admin rates.

#include <mutex>
#include <string>

#include "admin/cluster_backend.h"
#include "admin/node_backend.h"
#include "kvcache/v1/admin.grpc.pb.h"

namespace kv::admin {

class AdminServiceImpl final : public kvcache::v1::Admin::Service {
 public:
  // `token` empty means no auth. `backend` and `cluster` must outlive the service; `cluster` is
  // nullptr when the node runs without cluster mode, and the cluster RPCs then answer
  // FAILED_PRECONDITION "cluster mode is off".
  AdminServiceImpl(NodeBackend& backend, std::string token, ClusterBackend* cluster = nullptr);

  // Where the admin server listens, reported in NodeInfo.admin_address.
  void set_admin_address(std::string address);

  grpc::Status GetNodeInfo(grpc::ServerContext* ctx, const kvcache::v1::GetNodeInfoRequest* req,
                           kvcache::v1::GetNodeInfoResponse* resp) override;
  grpc::Status GetStats(grpc::ServerContext* ctx, const kvcache::v1::GetStatsRequest* req,
                        kvcache::v1::GetStatsResponse* resp) override;
  grpc::Status GetPersistence(grpc::ServerContext* ctx,
                              const kvcache::v1::GetPersistenceRequest* req,
                              kvcache::v1::GetPersistenceResponse* resp) override;
  grpc::Status RewriteAof(grpc::ServerContext* ctx, const kvcache::v1::RewriteAofRequest* req,
                          kvcache::v1::RewriteAofResponse* resp) override;
  grpc::Status GetConfig(grpc::ServerContext* ctx, const kvcache::v1::GetConfigRequest* req,
                         kvcache::v1::GetConfigResponse* resp) override;
  grpc::Status SetConfig(grpc::ServerContext* ctx, const kvcache::v1::SetConfigRequest* req,
                         kvcache::v1::SetConfigResponse* resp) override;
  grpc::Status Shutdown(grpc::ServerContext* ctx, const kvcache::v1::ShutdownRequest* req,
                        kvcache::v1::ShutdownResponse* resp) override;

  grpc::Status GetClusterStatus(grpc::ServerContext* ctx,
                                const kvcache::v1::GetClusterStatusRequest* req,
                                kvcache::v1::GetClusterStatusResponse* resp) override;
  grpc::Status GetRing(grpc::ServerContext* ctx, const kvcache::v1::GetRingRequest* req,
                       kvcache::v1::GetRingResponse* resp) override;
  grpc::Status PlanRingChange(grpc::ServerContext* ctx, const kvcache::v1::RingChangeRequest* req,
                              kvcache::v1::PlanRingChangeResponse* resp) override;
  grpc::Status ApplyRingChange(grpc::ServerContext* ctx, const kvcache::v1::RingChangeRequest* req,
                               kvcache::v1::ApplyRingChangeResponse* resp) override;
  grpc::Status Where(grpc::ServerContext* ctx, const kvcache::v1::WhereRequest* req,
                     kvcache::v1::WhereResponse* resp) override;

 private:
  // UNAUTHENTICATED unless the call carries the right bearer token. Every RPC starts with it.
  grpc::Status Authorize(const grpc::ServerContext& ctx) const;
  // Authorize, then FAILED_PRECONDITION unless the node runs in cluster mode.
  grpc::Status AuthorizeCluster(const grpc::ServerContext& ctx) const;

  NodeBackend& backend_;
  ClusterBackend* const cluster_;
  const std::string token_;
  mutable std::mutex mu_;
  std::string admin_address_;  // guarded by mu_
};

}  // namespace kv::admin
