#include "admin/admin_service.h"

#include <spdlog/spdlog.h>

#include <string_view>

#include "admin/grpc_status.h"
#include "admin/proto_convert.h"
#include "admin/token_auth.h"

namespace kv::admin {

namespace v1 = kvcache::v1;

AdminServiceImpl::AdminServiceImpl(NodeBackend& backend, std::string token, ClusterBackend* cluster)
    : backend_(backend), cluster_(cluster), token_(std::move(token)) {}

void AdminServiceImpl::set_admin_address(std::string address) {
  std::lock_guard lock(mu_);
  admin_address_ = std::move(address);
}

grpc::Status AdminServiceImpl::Authorize(const grpc::ServerContext& ctx) const {
  if (token_.empty()) return grpc::Status::OK;
  const auto& md = ctx.client_metadata();
  auto it = md.find("authorization");
  if (it == md.end()) {
    return {grpc::StatusCode::UNAUTHENTICATED,
            "missing admin token (send 'authorization: Bearer <token>')"};
  }
  std::string_view value(it->second.data(), it->second.size());
  if (!BearerTokenMatches(value, token_)) {
    spdlog::warn("admin: rejected call from {} with a wrong token", ctx.peer());
    return {grpc::StatusCode::UNAUTHENTICATED, "invalid admin token"};
  }
  return grpc::Status::OK;
}

grpc::Status AdminServiceImpl::AuthorizeCluster(const grpc::ServerContext& ctx) const {
  if (auto st = Authorize(ctx); !st.ok()) return st;
  if (cluster_ == nullptr) {
    return {grpc::StatusCode::FAILED_PRECONDITION, "cluster mode is off"};
  }
  return grpc::Status::OK;
}

grpc::Status AdminServiceImpl::GetNodeInfo(grpc::ServerContext* ctx, const v1::GetNodeInfoRequest*,
                                           v1::GetNodeInfoResponse* resp) {
  if (auto st = Authorize(*ctx); !st.ok()) return st;
  NodeInfo info = backend_.GetNodeInfo();
  if (info.admin_address.empty()) {
    std::lock_guard lock(mu_);
    info.admin_address = admin_address_;
  }
  ToProto(info, resp->mutable_node());
  return grpc::Status::OK;
}

grpc::Status AdminServiceImpl::GetStats(grpc::ServerContext* ctx, const v1::GetStatsRequest*,
                                        v1::GetStatsResponse* resp) {
  if (auto st = Authorize(*ctx); !st.ok()) return st;
  ToProto(backend_.GetStats(), resp);
  return grpc::Status::OK;
}

grpc::Status AdminServiceImpl::GetPersistence(grpc::ServerContext* ctx,
                                              const v1::GetPersistenceRequest*,
                                              v1::GetPersistenceResponse* resp) {
  if (auto st = Authorize(*ctx); !st.ok()) return st;
  ToProto(backend_.GetPersistence(), resp->mutable_persistence());
  return grpc::Status::OK;
}

grpc::Status AdminServiceImpl::RewriteAof(grpc::ServerContext* ctx,
                                          const v1::RewriteAofRequest* req,
                                          v1::RewriteAofResponse* resp) {
  if (auto st = Authorize(*ctx); !st.ok()) return st;
  spdlog::info("admin: AOF rewrite requested by {}{}", ctx->peer(), req->wait() ? " (wait)" : "");
  if (AdminError err = backend_.StartAofRewrite(req->wait()); !err.ok()) {
    return ToGrpcStatus(err);
  }
  ToProto(backend_.GetPersistence(), resp->mutable_persistence());
  return grpc::Status::OK;
}

grpc::Status AdminServiceImpl::GetConfig(grpc::ServerContext* ctx, const v1::GetConfigRequest* req,
                                         v1::GetConfigResponse* resp) {
  if (auto st = Authorize(*ctx); !st.ok()) return st;
  const std::string& pattern = req->pattern().empty() ? std::string("*") : req->pattern();
  for (const auto& [name, value] : backend_.GetConfig(pattern)) {
    auto* entry = resp->add_entries();
    entry->set_name(name);
    entry->set_value(value);
  }
  return grpc::Status::OK;
}

grpc::Status AdminServiceImpl::SetConfig(grpc::ServerContext* ctx, const v1::SetConfigRequest* req,
                                         v1::SetConfigResponse* resp) {
  if (auto st = Authorize(*ctx); !st.ok()) return st;
  if (AdminError err = backend_.SetConfig(req->name(), req->value()); !err.ok()) {
    return ToGrpcStatus(err);
  }
  spdlog::info("admin: config set {} by {}", req->name(), ctx->peer());
  resp->mutable_entry()->set_name(req->name());
  for (const auto& [name, value] : backend_.GetConfig(req->name())) {
    if (name == req->name()) resp->mutable_entry()->set_value(value);
  }
  return grpc::Status::OK;
}

grpc::Status AdminServiceImpl::Shutdown(grpc::ServerContext* ctx, const v1::ShutdownRequest* req,
                                        v1::ShutdownResponse*) {
  if (auto st = Authorize(*ctx); !st.ok()) return st;
  spdlog::warn("admin: shutdown requested by {}: {}", ctx->peer(),
               req->reason().empty() ? "(no reason given)" : req->reason());
  backend_.RequestShutdown(req->reason());
  return grpc::Status::OK;
}

grpc::Status AdminServiceImpl::GetClusterStatus(grpc::ServerContext* ctx,
                                                const v1::GetClusterStatusRequest*,
                                                v1::GetClusterStatusResponse* resp) {
  if (auto st = AuthorizeCluster(*ctx); !st.ok()) return st;
  ToProto(cluster_->GetStatus(), resp);
  return grpc::Status::OK;
}

grpc::Status AdminServiceImpl::GetRing(grpc::ServerContext* ctx, const v1::GetRingRequest* req,
                                       v1::GetRingResponse* resp) {
  if (auto st = AuthorizeCluster(*ctx); !st.ok()) return st;
  ToProto(cluster_->GetRing(req->slots()), resp);
  return grpc::Status::OK;
}

grpc::Status AdminServiceImpl::PlanRingChange(grpc::ServerContext* ctx,
                                              const v1::RingChangeRequest* req,
                                              v1::PlanRingChangeResponse* resp) {
  if (auto st = AuthorizeCluster(*ctx); !st.ok()) return st;
  RingPlan plan;
  if (AdminError err = cluster_->PlanRingChange(FromProto(*req), &plan); !err.ok()) {
    return ToGrpcStatus(err);
  }
  ToProto(plan, resp);
  return grpc::Status::OK;
}

grpc::Status AdminServiceImpl::ApplyRingChange(grpc::ServerContext* ctx,
                                               const v1::RingChangeRequest* req,
                                               v1::ApplyRingChangeResponse* resp) {
  if (auto st = AuthorizeCluster(*ctx); !st.ok()) return st;
  spdlog::info("admin: ring change by {}: {}", ctx->peer(), req->ShortDebugString());
  RingApplied applied;
  if (AdminError err = cluster_->ApplyRingChange(FromProto(*req), &applied); !err.ok()) {
    spdlog::warn("admin: ring change refused: {}", err.message);
    return ToGrpcStatus(err);
  }
  spdlog::info("admin: ring change committed at epoch {}", applied.epoch);
  ToProto(applied, resp);
  return grpc::Status::OK;
}

grpc::Status AdminServiceImpl::Where(grpc::ServerContext* ctx, const v1::WhereRequest* req,
                                     v1::WhereResponse* resp) {
  if (auto st = AuthorizeCluster(*ctx); !st.ok()) return st;
  ToProto(cluster_->Where(req->key()), resp);
  return grpc::Status::OK;
}

}  // namespace kv::admin
