#include "server/cluster/grpc/grpc_transport.h"

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <condition_variable>
#include <fstream>
#include <sstream>

#include "kvcache/v1/peer.grpc.pb.h"
#include "server/cluster/grpc/peer_convert.h"

namespace kv::cluster {

namespace v1 = kvcache::v1;

namespace {

constexpr int64_t kDefaultTimeoutMs = 2000;

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buf;
  buf << in.rdbuf();
  *out = buf.str();
  return true;
}

Status FromGrpc(const grpc::Status& st) {
  if (st.ok()) return Status::Ok();
  StatusCode code = StatusCode::kInternal;
  switch (st.error_code()) {
    case grpc::StatusCode::INVALID_ARGUMENT: code = StatusCode::kInvalidArgument; break;
    case grpc::StatusCode::NOT_FOUND: code = StatusCode::kNotFound; break;
    case grpc::StatusCode::FAILED_PRECONDITION: code = StatusCode::kFailedPrecondition; break;
    case grpc::StatusCode::UNAUTHENTICATED: code = StatusCode::kUnauthenticated; break;
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED: code = StatusCode::kUnavailable; break;
    default: break;
  }
  return Status::Error(code, st.error_message());
}

}  // namespace

struct GrpcPeerTransport::Impl {
  std::shared_ptr<grpc::ChannelCredentials> creds;
  std::string secret;
  std::mutex mu;
  std::condition_variable idle;
  size_t inflight = 0;  // guarded by mu; the destructor waits for every callback to have run
  // Calls in flight, kept alive here so the destructor can cancel them; guarded by mu.
  std::map<grpc::ClientContext*, std::shared_ptr<void>> calls;
  std::map<std::string, std::shared_ptr<v1::Peer::Stub>> stubs;  // by admin address

  std::shared_ptr<v1::Peer::Stub> StubFor(const std::string& address) {
    std::lock_guard lock(mu);
    auto& stub = stubs[address];
    if (!stub) {
      grpc::ChannelArguments args;
      // Reconnect quickly after a peer restarts: the default backoff reaches minutes.
      args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
      args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
      args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
      stub = v1::Peer::NewStub(grpc::CreateCustomChannel(address, creds, args));
    }
    return stub;
  }

  // One unary call through the callback API; `done` gets the status and the response.
  template <typename Req, typename Resp, typename Invoke>
  void Call(const std::string& address, Req req, int64_t timeout_ms, Invoke invoke,
            std::function<void(grpc::Status, Resp&)> done) {
    struct Pending {
      grpc::ClientContext ctx;
      Req req;
      Resp resp;
      std::shared_ptr<v1::Peer::Stub> stub;  // keeps the channel alive for the call
    };
    auto p = std::make_shared<Pending>();
    p->req = std::move(req);
    p->stub = StubFor(address);
    p->ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(timeout_ms));
    if (!secret.empty()) p->ctx.AddMetadata("authorization", "Bearer " + secret);
    {
      std::lock_guard lock(mu);
      ++inflight;
      calls[&p->ctx] = p;
    }
    invoke(p->stub->async(), &p->ctx, &p->req, &p->resp,
           [this, p, done = std::move(done)](grpc::Status st) {
             done(st, p->resp);
             std::lock_guard lock(mu);
             calls.erase(&p->ctx);
             if (--inflight == 0) idle.notify_all();
           });
  }

  ~Impl() {
    std::unique_lock lock(mu);
    auto pending = calls;  // cancelled without the lock: a callback may run and take it
    lock.unlock();
    for (auto& [ctx, keep] : pending) ctx->TryCancel();
    pending.clear();
    lock.lock();
    idle.wait(lock, [this] { return inflight == 0; });
  }
};

GrpcPeerTransport::GrpcPeerTransport(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
GrpcPeerTransport::~GrpcPeerTransport() = default;

std::unique_ptr<GrpcPeerTransport> GrpcPeerTransport::Create(const PeerCredentials& c,
                                                             std::string* error) {
  auto impl = std::make_unique<Impl>();
  impl->secret = c.secret;
  if (c.tls_cert_file.empty()) {
    impl->creds = grpc::InsecureChannelCredentials();
  } else {
    grpc::SslCredentialsOptions ssl;
    if (!ReadFile(c.tls_cert_file, &ssl.pem_cert_chain) ||
        !ReadFile(c.tls_key_file, &ssl.pem_private_key) ||
        !ReadFile(c.tls_ca_file.empty() ? c.tls_cert_file : c.tls_ca_file, &ssl.pem_root_certs)) {
      *error = "cannot read the TLS files for the peer plane";
      return nullptr;
    }
    impl->creds = grpc::SslCredentials(ssl);
  }
  return std::unique_ptr<GrpcPeerTransport>(new GrpcPeerTransport(std::move(impl)));
}

void GrpcPeerTransport::Agree(const std::string& address, AgreementMsg msg,
                              std::function<void(Status, std::optional<AgreementMsg>)> done) {
  v1::AgreementMessage req;
  ToProto(msg, &req);
  impl_->Call<v1::AgreementMessage, v1::AgreementMessage>(
      address, std::move(req), kDefaultTimeoutMs,
      [](auto* a, auto* ctx, auto* rq, auto* rs, auto cb) { a->Agree(ctx, rq, rs, std::move(cb)); },
      [done = std::move(done)](grpc::Status st, v1::AgreementMessage& resp) {
        if (!st.ok()) return done(FromGrpc(st), std::nullopt);
        if (resp.type() == v1::AgreementMessage::NONE) return done(Status::Ok(), std::nullopt);
        AgreementMsg reply;
        if (!FromProto(resp, &reply)) {
          return done(Status::Error(StatusCode::kInternal, "malformed agreement reply"),
                      std::nullopt);
        }
        done(Status::Ok(), std::move(reply));
      });
}

void GrpcPeerTransport::Heartbeat(const std::string& address, HeartbeatInfo hb,
                                  int64_t timeout_ms,
                                  std::function<void(Status, HeartbeatInfo)> done) {
  v1::HeartbeatRequest req;
  ToProto(hb, &req);
  impl_->Call<v1::HeartbeatRequest, v1::HeartbeatResponse>(
      address, std::move(req), timeout_ms,
      [](auto* a, auto* ctx, auto* rq, auto* rs, auto cb) {
        a->Heartbeat(ctx, rq, rs, std::move(cb));
      },
      [done = std::move(done)](grpc::Status st, v1::HeartbeatResponse& resp) {
        done(FromGrpc(st), st.ok() ? FromProto(resp) : HeartbeatInfo{});
      });
}

void GrpcPeerTransport::GetState(const std::string& address,
                                 std::function<void(Status, ClusterState)> done) {
  impl_->Call<v1::GetClusterStateRequest, v1::GetClusterStateResponse>(
      address, {}, kDefaultTimeoutMs,
      [](auto* a, auto* ctx, auto* rq, auto* rs, auto cb) {
        a->GetClusterState(ctx, rq, rs, std::move(cb));
      },
      [done = std::move(done)](grpc::Status st, v1::GetClusterStateResponse& resp) {
        if (!st.ok()) return done(FromGrpc(st), ClusterState{});
        std::string error;
        auto state = ClusterState::FromJson(resp.state_json(), &error);
        if (!state) return done(Status::Error(StatusCode::kInternal, error), ClusterState{});
        done(Status::Ok(), std::move(*state));
      });
}

void GrpcPeerTransport::Hello(const std::string& address,
                              std::function<void(Status, HelloInfo)> done) {
  impl_->Call<v1::HelloRequest, v1::HelloResponse>(
      address, {}, kDefaultTimeoutMs,
      [](auto* a, auto* ctx, auto* rq, auto* rs, auto cb) { a->Hello(ctx, rq, rs, std::move(cb)); },
      [done = std::move(done)](grpc::Status st, v1::HelloResponse& resp) {
        HelloInfo h;
        if (st.ok()) {
          h.identity = FromProto(resp.identity());
          h.keys = resp.keys();
          h.epoch = resp.epoch();
          h.members = resp.members();
          h.cluster_id = resp.cluster_id();
        }
        done(FromGrpc(st), std::move(h));
      });
}

void GrpcPeerTransport::Join(const std::string& address, const Member& self, int64_t keys,
                             int64_t timeout_ms, std::function<void(Status, ClusterState)> done) {
  v1::JoinRequest req;
  ToProto(self, req.mutable_identity());
  req.set_keys(keys);
  impl_->Call<v1::JoinRequest, v1::JoinResponse>(
      address, std::move(req), timeout_ms + 1000,
      [](auto* a, auto* ctx, auto* rq, auto* rs, auto cb) { a->Join(ctx, rq, rs, std::move(cb)); },
      [done = std::move(done)](grpc::Status st, v1::JoinResponse& resp) {
        if (!st.ok()) return done(FromGrpc(st), ClusterState{});
        std::string error;
        auto state = ClusterState::FromJson(resp.state_json(), &error);
        if (!state) return done(Status::Error(StatusCode::kInternal, error), ClusterState{});
        done(Status::Ok(), std::move(*state));
      });
}

void GrpcPeerTransport::GetSlotStats(const std::string& address, std::vector<uint16_t> slots,
                                     std::function<void(Status, std::vector<SlotStat>)> done) {
  v1::GetSlotStatsRequest req;
  for (uint16_t s : slots) req.add_slots(s);
  impl_->Call<v1::GetSlotStatsRequest, v1::GetSlotStatsResponse>(
      address, std::move(req), kDefaultTimeoutMs,
      [](auto* a, auto* ctx, auto* rq, auto* rs, auto cb) {
        a->GetSlotStats(ctx, rq, rs, std::move(cb));
      },
      [done = std::move(done)](grpc::Status st, v1::GetSlotStatsResponse& resp) {
        std::vector<SlotStat> out;
        for (const auto& s : resp.slots()) {
          out.push_back({static_cast<uint16_t>(s.slot()), s.keys(), s.bytes()});
        }
        done(FromGrpc(st), std::move(out));
      });
}

}  // namespace kv::cluster
