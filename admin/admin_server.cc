#include "admin/admin_server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/support/server_interceptor.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <condition_variable>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string_view>

#include "admin/admin_service.h"

namespace kv::admin {
namespace {

constexpr auto kShutdownGrace = std::chrono::seconds(2);

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buf;
  buf << in.rdbuf();
  *out = buf.str();
  return static_cast<bool>(in) || in.eof();
}

std::string JoinHostPort(const std::string& host, int port) {
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

// Insecure, TLS or mutual TLS from the options; nullptr and *error on unreadable files.
std::shared_ptr<grpc::ServerCredentials> MakeCredentials(const AdminServerOptions& o,
                                                         std::string* error) {
  if (o.tls_cert_file.empty() && o.tls_key_file.empty()) {
    if (!o.tls_client_ca_file.empty()) {
      *error = "admin-tls-ca-cert-file needs admin-tls-cert-file and admin-tls-key-file";
      return nullptr;
    }
    return grpc::InsecureServerCredentials();
  }
  if (o.tls_cert_file.empty() || o.tls_key_file.empty()) {
    *error = "admin TLS needs both admin-tls-cert-file and admin-tls-key-file";
    return nullptr;
  }
  grpc::SslServerCredentialsOptions ssl;
  grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
  if (!ReadFile(o.tls_key_file, &pair.private_key)) {
    *error = "cannot read admin-tls-key-file " + o.tls_key_file;
    return nullptr;
  }
  if (!ReadFile(o.tls_cert_file, &pair.cert_chain)) {
    *error = "cannot read admin-tls-cert-file " + o.tls_cert_file;
    return nullptr;
  }
  ssl.pem_key_cert_pairs.push_back(std::move(pair));
  if (!o.tls_client_ca_file.empty()) {
    if (!ReadFile(o.tls_client_ca_file, &ssl.pem_root_certs)) {
      *error = "cannot read admin-tls-ca-cert-file " + o.tls_client_ca_file;
      return nullptr;
    }
    ssl.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  } else {
    ssl.client_certificate_request = GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE;
  }
  return grpc::SslServerCredentials(ssl);
}

// gRPC's default health service answers SERVING from the moment the server starts, before Start
// can set the real status: a probe in that gap would send traffic to a node still loading its
// AOF. Health calls wait here (microseconds, once) until Start has set the status.
class StartGate {
 public:
  void Open() {
    {
      std::lock_guard lock(mu_);
      open_ = true;
    }
    cv_.notify_all();
  }
  void Wait() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return open_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;  // guarded by mu_
};

class HealthGateInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit HealthGateInterceptor(std::shared_ptr<StartGate> gate) : gate_(std::move(gate)) {}

  // Runs on a gRPC thread before the health handler sees the request.
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      gate_->Wait();
    }
    methods->Proceed();
  }

 private:
  std::shared_ptr<StartGate> gate_;
};

class HealthGateFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit HealthGateFactory(std::shared_ptr<StartGate> gate) : gate_(std::move(gate)) {}

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    if (!std::string_view(info->method()).starts_with("/grpc.health.v1.Health/")) return nullptr;
    // gRPC's interface hands ownership of a raw pointer to the call.
    return new HealthGateInterceptor(gate_);
  }

 private:
  std::shared_ptr<StartGate> gate_;
};

}  // namespace

struct AdminServer::Impl {
  Impl(NodeBackend& backend, std::string token, ClusterBackend* cluster)
      : service(backend, std::move(token), cluster) {}

  std::shared_ptr<StartGate> health_gate = std::make_shared<StartGate>();
  AdminServiceImpl service;
  std::unique_ptr<grpc::Server> server;
  int port = 0;
  std::string address;
};

AdminServer::AdminServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

std::unique_ptr<AdminServer> AdminServer::Start(const AdminServerOptions& options,
                                                NodeBackend& backend, AdminError* error) {
  std::string bind = options.bind_address;
  if (bind.empty()) {
    bind = options.token.empty() ? "127.0.0.1" : "0.0.0.0";
    if (options.token.empty()) {
      spdlog::warn("admin: no admin-token configured, admin port bound to loopback ({}) only",
                   bind);
    }
  } else if (options.token.empty() && bind != "127.0.0.1" && bind != "::1" && bind != "localhost") {
    spdlog::warn(
        "admin: listening on {} WITHOUT an admin token: anyone who reaches the port "
        "can reconfigure or stop this node",
        bind);
  }

  std::string creds_error;
  std::shared_ptr<grpc::ServerCredentials> creds = MakeCredentials(options, &creds_error);
  if (!creds) {
    *error = {AdminCode::kInvalidArgument, creds_error};
    return nullptr;
  }

  // Process-wide switches in gRPC; both must be set before the builder is created.
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  auto impl = std::make_unique<Impl>(backend, options.token, options.cluster);
  grpc::ServerBuilder builder;
  builder.AddListeningPort(JoinHostPort(bind, options.port), creds, &impl->port);
  builder.RegisterService(&impl->service);
  for (grpc::Service* extra : options.extra_services) builder.RegisterService(extra);
  grpc::ResourceQuota quota("kvcache-admin");
  quota.SetMaxThreads(std::max(options.max_threads, 2));
  builder.SetResourceQuota(quota);
  // gRPC sets SO_REUSEPORT by default: a second node on the same admin port would then share it
  // and kvctl would reach either node at random. One port, one node.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(std::make_unique<HealthGateFactory>(impl->health_gate));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  impl->server = builder.BuildAndStart();
  if (!impl->server || impl->port == 0) {
    *error = {AdminCode::kUnavailable,
              "cannot listen on admin address " + JoinHostPort(bind, options.port)};
    return nullptr;
  }
  impl->address = JoinHostPort(bind, impl->port);
  impl->service.set_admin_address(impl->address);

  std::unique_ptr<AdminServer> server(new AdminServer(std::move(impl)));
  // The default health service starts out SERVING; correct it before any health call proceeds.
  server->SetServing(backend.IsReady());
  server->impl_->health_gate->Open();
  spdlog::info("admin: gRPC listening on {} ({}{}{})", server->address(),
               options.tls_cert_file.empty()        ? "plaintext"
               : options.tls_client_ca_file.empty() ? "TLS"
                                                    : "mutual TLS",
               options.token.empty() ? ", no token" : ", token required",
               options.cluster != nullptr ? ", cluster mode" : "");
  return server;
}

AdminServer::~AdminServer() {
  if (!impl_ || !impl_->server) return;
  impl_->server->Shutdown(std::chrono::system_clock::now() + kShutdownGrace);
  impl_->server->Wait();
  spdlog::info("admin: stopped");
}

void AdminServer::SetServing(bool serving) {
  if (auto* health = impl_->server->GetHealthCheckService()) {
    health->SetServingStatus(serving);
  }
}

int AdminServer::port() const { return impl_->port; }

std::string AdminServer::address() const { return impl_->address; }

}  // namespace kv::admin
