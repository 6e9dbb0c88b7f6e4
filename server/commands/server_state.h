#pragma once

// Everything a command may reach beyond its own client: configuration, keyspace, the command
// table, clients, counters and the write log. Created once by main() and passed by reference;
// there is no global server object.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "server/commands/aof_control.h"
#include "server/commands/client_registry.h"
#include "server/commands/command_registry.h"
#include "server/commands/key_observer.h"
#include "server/commands/stats_sampler.h"
#include "server/commands/write_log.h"
#include "server/config/config.h"
#include "server/db/keyspace.h"

namespace kv {

class BlockingRegistry;  // server/commands/blocking.h
class Evictor;           // evictor.h
class LazyFreer;         // lazy_free.h
class WatchRegistry;   // transactions.h
class PubSubRegistry;  // pubsub.h
class ClusterRouting;  // cluster_routing.h
class ScriptEngine;    // server/scripting/script_engine.h

struct ServerStats {
  std::atomic<uint64_t> connections_received{0};
  std::atomic<uint64_t> rejected_connections{0};
  std::atomic<uint64_t> commands_processed{0};
  std::atomic<uint64_t> net_input_bytes{0};
  std::atomic<uint64_t> net_output_bytes{0};
  std::atomic<uint64_t> protocol_errors{0};
};

// Creates the server's script engine (script_family.cc).
struct ServerState;
void InstallScripting(ServerState& server);

struct ServerState {
  explicit ServerState(Config& cfg)
      : config(cfg),
        keyspace(static_cast<size_t>(cfg.GetInt("databases")),
                 static_cast<size_t>(cfg.GetInt("shards"))) {}

  Config& config;
  Keyspace keyspace;
  CommandRegistry commands;
  ClientRegistry clients;
  ServerStats stats;
  StatsSampler sampler;  // instantaneous_* rates and the memory peak (INFO)
  // Null while appendonly is off; the AOF module swaps it when appendonly changes at run time.
  std::atomic<WriteLog*> write_log{nullptr};
  // The AOF module's command-facing side (BGREWRITEAOF, WAITAOF, INFO persistence); null when the
  // binary runs without it (unit tests). Set once at start-up.
  AofControl* aof = nullptr;
  // Told about every key a write command modified (WATCH, blocked clients). Filled at start-up.
  std::vector<KeyObserver*> key_observers;
  // Clients blocked in BLPOP & co; set (and added to key_observers) by InstallBlocking().
  std::shared_ptr<BlockingRegistry> blocking;
  // Installed at start-up by InstallTransactions / InstallPubSub; null in a bare ServerState.
  std::shared_ptr<WatchRegistry> watches;
  std::shared_ptr<PubSubRegistry> pubsub;
  // Set at start-up when cluster-enabled is yes; null for a standalone node.
  std::shared_ptr<ClusterRouting> cluster;
  // maxmemory's eviction; installed by InstallEviction, null in a bare ServerState.
  std::shared_ptr<Evictor> evictor;
  // The background freer of UNLINK, FLUSHALL ASYNC & co; null in a bare ServerState (frees inline).
  std::shared_ptr<LazyFreer> lazy_free;
  // Lua scripts (EVAL, SCRIPT); installed by InstallScripting().
  std::shared_ptr<ScriptEngine> scripts;
  // Asks the process to shut down gracefully (SHUTDOWN, admin Shutdown, SIGTERM).
  std::function<void()> request_shutdown;
  int64_t start_time_ms = 0;
  std::string run_id;
  int tcp_port = 0;  // the bound RESP port (differs from config when port 0 was asked)
  std::atomic<bool> loading{false};
};

}  // namespace kv
