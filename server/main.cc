// kv-server: a Redis-compatible cache node. Usage as redis-server:
//   kv-server [config-file] [--key value ...]

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <cstdio>
#include <optional>
#include <random>

#include "server/aof/aof.h"
#ifdef KV_WITH_ADMIN
#include "admin/cluster_plane.h"
#include "admin/node_admin.h"
#endif
#include "server/base/clock.h"
#include "server/base/daemon.h"
#include "server/commands/blocking.h"
#include "server/commands/command_registry.h"
#include "server/commands/dispatcher.h"
#include "server/commands/evictor.h"
#include "server/commands/lazy_free.h"
#include "server/commands/pubsub.h"
#include "server/commands/server_info.h"
#include "server/commands/server_state.h"
#include "server/commands/transactions.h"
#include "server/config/config.h"
#include "server/metrics/metrics_server.h"
#include "server/net/server.h"

namespace {

spdlog::level::level_enum LogLevelFromRedis(const std::string& level) {
  if (level == "debug") return spdlog::level::debug;
  if (level == "verbose") return spdlog::level::info;
  if (level == "warning") return spdlog::level::warn;
  return spdlog::level::info;  // notice
}

std::string RandomRunId() {
  std::random_device rd;
  std::string id(40, '0');
  const char* hex = "0123456789abcdef";
  for (char& c : id) c = hex[rd() % 16];
  return id;
}

}  // namespace

int main(int argc, char** argv) {
  kv::Config config;
  if (argc > 1 && (std::string_view(argv[1]) == "--help" || std::string_view(argv[1]) == "-h")) {
    std::printf("Usage: kv-server [config-file] [--key value ...]\n\nConfig keys:\n");
    for (const auto& key : kv::ConfigTable()) {
      std::printf("  --%-32s %s (default: '%s')\n", std::string(key.name).c_str(),
                  std::string(key.help).c_str(), std::string(key.default_value).c_str());
    }
    return 0;
  }
  if (argc > 1 && (std::string_view(argv[1]) == "--version" || std::string_view(argv[1]) == "-v")) {
    // redis-server's format, which scripts parse for "v=".
    std::printf("kv-server v=%s redis=7.0.15 malloc=%s bits=%zu\n", KV_VERSION,
                kv::AllocatorName().c_str(), sizeof(void*) * 8);
    return 0;
  }
  if (auto err = config.LoadFromArgs(argc, argv)) {
    std::fprintf(stderr, "kv-server: bad configuration: %s\n", err->c_str());
    return 1;
  }
  // As redis-server: fork before anything starts a thread; pidfile defaults to /var/run/redis.pid
  // only when daemonized.
  if (config.GetBool("daemonize")) {
    if (auto err = kv::Daemonize()) {
      std::fprintf(stderr, "kv-server: cannot daemonize: %s\n", err->c_str());
      return 1;
    }
  }
  std::optional<kv::PidFile> pidfile;
  if (std::string path = config.Get("pidfile");
      !path.empty() || config.GetBool("daemonize")) {
    std::string error;
    pidfile = kv::PidFile::Create(path.empty() ? "/var/run/redis.pid" : path, &error);
    if (!pidfile) std::fprintf(stderr, "kv-server: %s\n", error.c_str());  // Redis only warns
  }
  if (std::string logfile = config.Get("logfile"); !logfile.empty()) {
    spdlog::set_default_logger(spdlog::basic_logger_mt("kv", logfile));
  }
  spdlog::set_level(LogLevelFromRedis(config.Get("loglevel")));
  config.OnChange("loglevel",
                  [](const std::string& v) { spdlog::set_level(LogLevelFromRedis(v)); });

#ifndef KV_WITH_ADMIN
  if (config.GetBool("cluster-enabled")) {
    std::fprintf(stderr, "kv-server: this build has no cluster support (built without gRPC)\n");
    return 1;
  }
#endif
  kv::ServerState state(config);
  state.start_time_ms = kv::UnixMillis();
  state.run_id = RandomRunId();
  kv::RegisterAllFamilies(state.commands);
  kv::InstallBlocking(state);
  kv::InstallTransactions(state);
  kv::InstallPubSub(state);
  kv::InstallEviction(state);
  state.lazy_free = std::make_shared<kv::LazyFreer>(config);
  kv::InstallScripting(state);
  kv::Dispatcher dispatcher(state);
  // Registers itself as state.aof and follows CONFIG SET appendonly/appendfsync.
  kv::Aof aof(dispatcher);

  kv::net::Server server(dispatcher, static_cast<size_t>(config.GetInt("io-threads")));
  if (auto err = server.Listen(kv::PrimaryBindAddress(config),
                               static_cast<int>(config.GetInt("port")))) {
    spdlog::critical("{}", *err);
    return 1;
  }
  state.tcp_port = server.port();

  std::unique_ptr<kv::MetricsServer> metrics;
  if (const int64_t metrics_port = config.GetInt("metrics-port"); metrics_port > 0) {
    std::string bind = config.Get("bind");
    bind = bind.substr(0, bind.find(' '));  // the first address of the RESP listener
    std::string error;
    metrics = kv::MetricsServer::Start(state, bind, static_cast<int>(metrics_port), &error);
    if (!metrics) {
      spdlog::critical("{}", error);
      return 1;
    }
  }

  // The main thread only waits for a stop request: SIGINT/SIGTERM or SHUTDOWN.
  std::optional<boost::asio::io_context> main_ctx;
  std::optional<boost::asio::signal_set> signals;
  try {
    main_ctx.emplace();
    signals.emplace(*main_ctx, SIGINT, SIGTERM);
  } catch (const boost::system::system_error& e) {
    // Out of descriptors, typically (ulimit -n): say so rather than abort.
    spdlog::critical("cannot watch for signals: {}", e.what());
    return 1;
  }
  signals->async_wait([&](boost::system::error_code ec, int sig) {
    if (!ec) spdlog::info("received signal {}, shutting down", sig);
    main_ctx->stop();
  });
  state.request_shutdown = [&main_ctx] {
    boost::asio::post(*main_ctx, [&main_ctx] { main_ctx->stop(); });
  };
  std::signal(SIGPIPE, SIG_IGN);

  // Clients may connect while the AOF loads; they get LOADING until it is done.
  state.loading = true;
#ifdef KV_WITH_ADMIN
  // Cluster membership (cluster-enabled yes): its Peer service shares the admin port.
  std::unique_ptr<kv::admin::ClusterPlane> cluster;
  if (config.GetBool("cluster-enabled")) {
    std::string cluster_error;
    cluster = kv::admin::ClusterPlane::Create(dispatcher, &cluster_error);
    if (!cluster) {
      spdlog::critical("cluster: {}", cluster_error);
      return 1;
    }
  }
  // Admin plane on its own port and gRPC's threads; stopped before the RESP server below.
  std::string admin_error;
  auto admin = kv::admin::NodeAdmin::Start(state, &admin_error, cluster.get());
  if (!admin) {
    spdlog::critical("admin: {}", admin_error);
    return 1;
  }
#endif

  server.Start();
  if (auto err = aof.Start()) {
    spdlog::critical("{}", *err);
    server.Stop();
    aof.Shutdown();
    return 1;
  }
  state.loading = false;
#ifdef KV_WITH_ADMIN
  if (cluster) cluster->Start();  // sync with the cluster now that the keyspace is loaded
#endif
  spdlog::info("kv-server ready to accept connections on {}:{} ({} I/O thread(s), {} shards)",
               config.Get("bind"), server.port(), config.GetInt("io-threads"),
               config.GetInt("shards"));
  main_ctx->run();

#ifdef KV_WITH_ADMIN
  admin.reset();
  cluster.reset();
#endif
  metrics.reset();
  server.Stop();
  // Everything executed is queued by now: write it and fsync before exiting.
  aof.Shutdown();
  spdlog::info("kv-server stopped");
  return 0;
}
