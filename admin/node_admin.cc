#include "admin/node_admin.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "admin/admin_server.h"
#include "admin/cluster_plane.h"
#include "admin/server_backend.h"
#include "server/commands/server_state.h"

namespace kv::admin {
namespace {

// How often health follows ServerState::loading. Polling keeps the AOF loader free of any
// knowledge of the admin plane; 100 ms is far below any probe interval.
constexpr auto kHealthPollInterval = std::chrono::milliseconds(100);

}  // namespace

struct NodeAdmin::Impl {
  explicit Impl(ServerState& state, std::string node_id) : backend(state, std::move(node_id)) {}

  ~Impl() {
    {
      std::lock_guard lock(mu);
      stopping = true;
    }
    cv.notify_all();
    if (watcher.joinable()) watcher.join();
    server.reset();
  }

  // Runs on its own thread: health = backend ready, re-evaluated every poll interval.
  void WatchReadiness() {
    bool serving = backend.IsReady();
    server->SetServing(serving);  // closes the gap between AdminServer::Start and this thread
    std::unique_lock lock(mu);
    while (!cv.wait_for(lock, kHealthPollInterval, [this] { return stopping; })) {
      const bool ready = backend.IsReady();
      if (ready != serving) {
        serving = ready;
        server->SetServing(ready);
        spdlog::info("admin: health is now {}", ready ? "SERVING" : "NOT_SERVING");
      }
    }
  }

  ServerBackend backend;
  std::unique_ptr<AdminServer> server;
  std::mutex mu;
  std::condition_variable cv;
  bool stopping = false;  // guarded by mu
  std::thread watcher;
};

NodeAdmin::NodeAdmin(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
NodeAdmin::~NodeAdmin() = default;

std::unique_ptr<NodeAdmin> NodeAdmin::Start(ServerState& state, std::string* error,
                                            ClusterPlane* cluster) {
  const Config& config = state.config;
  std::string id_error;
  std::string node_id = LoadOrCreateNodeId(config.Get("dir"), &id_error);
  if (!id_error.empty()) {
    // Not fatal for a standalone node; cluster membership will need the id to persist.
    spdlog::warn("admin: {}; node id {} lasts for this run only", id_error, node_id);
  }

  AdminServerOptions options;
  options.bind_address = config.Get("admin-bind");
  options.port = static_cast<int>(config.GetInt("admin-port"));
  options.token = config.Get("admin-token");
  if (options.token.empty()) {
    // The environment keeps the token out of the process list and config files.
    if (const char* env = std::getenv("KVCACHE_ADMIN_TOKEN")) options.token = env;
  }
  options.tls_cert_file = config.Get("admin-tls-cert-file");
  options.tls_key_file = config.Get("admin-tls-key-file");
  options.tls_client_ca_file = config.Get("admin-tls-ca-cert-file");
  if (cluster) {
    options.cluster = cluster->backend();  // the Admin cluster RPCs (kvctl status, ring, ...)
    options.extra_services.push_back(cluster->peer_service());
  }

  auto impl = std::make_unique<Impl>(state, std::move(node_id));
  AdminError start_error;
  impl->server = AdminServer::Start(options, impl->backend, &start_error);
  if (!impl->server) {
    if (start_error.code != AdminCode::kUnavailable || cluster) {
      *error = start_error.message;
      return nullptr;
    }
    spdlog::error("admin: {} (in use?): this node runs WITHOUT its admin plane",
                  start_error.message);
    return std::unique_ptr<NodeAdmin>(new NodeAdmin(std::move(impl)));
  }
  impl->watcher = std::thread([raw = impl.get()] { raw->WatchReadiness(); });
  return std::unique_ptr<NodeAdmin>(new NodeAdmin(std::move(impl)));
}

int NodeAdmin::port() const { return impl_->server ? impl_->server->port() : 0; }

}  // namespace kv::admin
