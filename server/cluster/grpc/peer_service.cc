#include "server/cluster/grpc/peer_service.h"

#include <spdlog/spdlog.h>

#include <thread>

#include "admin/token_auth.h"
#include "server/cluster/grpc/peer_convert.h"

namespace kv::cluster {

namespace v1 = kvcache::v1;

grpc::Status ToGrpc(const Status& st) {
  grpc::StatusCode code = grpc::StatusCode::INTERNAL;
  switch (st.code) {
    case StatusCode::kOk: return grpc::Status::OK;
    case StatusCode::kInvalidArgument: code = grpc::StatusCode::INVALID_ARGUMENT; break;
    case StatusCode::kNotFound: code = grpc::StatusCode::NOT_FOUND; break;
    case StatusCode::kFailedPrecondition: code = grpc::StatusCode::FAILED_PRECONDITION; break;
    case StatusCode::kUnavailable: code = grpc::StatusCode::UNAVAILABLE; break;
    case StatusCode::kUnauthenticated: code = grpc::StatusCode::UNAUTHENTICATED; break;
    case StatusCode::kInternal: break;
  }
  return {code, st.message};
}

namespace {

grpc::ServerUnaryReactor* Finish(grpc::CallbackServerContext* ctx, const grpc::Status& st) {
  grpc::ServerUnaryReactor* r = ctx->DefaultReactor();
  r->Finish(st);
  return r;
}

}  // namespace

grpc::Status PeerServiceImpl::Authorize(const grpc::CallbackServerContext& ctx) const {
  if (secret_.empty()) return grpc::Status::OK;
  const auto& md = ctx.client_metadata();
  auto it = md.find("authorization");
  if (it == md.end()) {
    return {grpc::StatusCode::UNAUTHENTICATED, "missing cluster secret"};
  }
  if (!admin::BearerTokenMatches(std::string_view(it->second.data(), it->second.size()),
                                 secret_)) {
    spdlog::warn("cluster: rejected a peer call from {} with a wrong secret", ctx.peer());
    return {grpc::StatusCode::UNAUTHENTICATED, "invalid cluster secret"};
  }
  return grpc::Status::OK;
}

grpc::ServerUnaryReactor* PeerServiceImpl::Hello(grpc::CallbackServerContext* ctx,
                                                 const v1::HelloRequest*,
                                                 v1::HelloResponse* resp) {
  if (auto st = Authorize(*ctx); !st.ok()) return Finish(ctx, st);
  HelloInfo h = node_.Hello();
  ToProto(h.identity, resp->mutable_identity());
  resp->set_keys(h.keys);
  resp->set_epoch(h.epoch);
  resp->set_members(h.members);
  resp->set_cluster_id(h.cluster_id);
  return Finish(ctx, grpc::Status::OK);
}

grpc::ServerUnaryReactor* PeerServiceImpl::Join(grpc::CallbackServerContext* ctx,
                                                const v1::JoinRequest* req,
                                                v1::JoinResponse* resp) {
  if (auto st = Authorize(*ctx); !st.ok()) return Finish(ctx, st);
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  // The join waits for an agreement round: off gRPC's callback threads.
  std::thread([this, reactor, joiner = FromProto(req->identity()), keys = req->keys(), resp] {
    ClusterState state;
    Status st = node_.OnJoin(joiner, keys, &state);
    if (st.ok()) resp->set_state_json(state.ToJson());
    reactor->Finish(ToGrpc(st));
  }).detach();
  return reactor;
}

grpc::ServerUnaryReactor* PeerServiceImpl::Agree(grpc::CallbackServerContext* ctx,
                                                 const v1::AgreementMessage* req,
                                                 v1::AgreementMessage* resp) {
  if (auto st = Authorize(*ctx); !st.ok()) return Finish(ctx, st);
  AgreementMsg msg;
  if (!FromProto(*req, &msg)) {
    return Finish(ctx, {grpc::StatusCode::INVALID_ARGUMENT, "malformed agreement message"});
  }
  if (std::optional<AgreementMsg> reply = node_.OnAgree(msg)) {
    ToProto(*reply, resp);
  } else {
    resp->set_type(v1::AgreementMessage::NONE);
  }
  return Finish(ctx, grpc::Status::OK);
}

grpc::ServerUnaryReactor* PeerServiceImpl::GetClusterState(grpc::CallbackServerContext* ctx,
                                                           const v1::GetClusterStateRequest*,
                                                           v1::GetClusterStateResponse* resp) {
  if (auto st = Authorize(*ctx); !st.ok()) return Finish(ctx, st);
  resp->set_state_json(node_.State().ToJson());
  return Finish(ctx, grpc::Status::OK);
}

grpc::ServerUnaryReactor* PeerServiceImpl::Heartbeat(grpc::CallbackServerContext* ctx,
                                                     const v1::HeartbeatRequest* req,
                                                     v1::HeartbeatResponse* resp) {
  if (auto st = Authorize(*ctx); !st.ok()) return Finish(ctx, st);
  ToProto(node_.OnHeartbeat(FromProto(*req)), resp);
  return Finish(ctx, grpc::Status::OK);
}

grpc::ServerUnaryReactor* PeerServiceImpl::GetSlotStats(grpc::CallbackServerContext* ctx,
                                                        const v1::GetSlotStatsRequest* req,
                                                        v1::GetSlotStatsResponse* resp) {
  if (auto st = Authorize(*ctx); !st.ok()) return Finish(ctx, st);
  std::vector<uint16_t> slots;
  for (uint32_t s : req->slots()) {
    if (s >= kNumSlots) {
      return Finish(ctx, {grpc::StatusCode::INVALID_ARGUMENT, "slot out of range"});
    }
    slots.push_back(static_cast<uint16_t>(s));
  }
  for (const SlotStat& st : node_.LocalSlotStats(slots)) {
    auto* out = resp->add_slots();
    out->set_slot(st.slot);
    out->set_keys(st.keys);
    out->set_bytes(st.bytes);
  }
  return Finish(ctx, grpc::Status::OK);
}

}  // namespace kv::cluster
