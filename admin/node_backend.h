#pragma once

// The node as the admin plane sees it. Pure interface with plain structs: no gRPC or protobuf
// type appears here, so the node implements it without pulling gRPC headers into its build.
//
// Threading: every method is called on one of gRPC's server threads, never on a RESP thread, and
// several calls may run at once. Implementations hand work to the node's own threads as needed
// and must be safe to call concurrently. A call may block (StartAofRewrite with wait), but only
// the admin plane waits for it.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace kv::admin {

// Error codes the admin plane maps onto gRPC status codes (see ToGrpcStatus). A small set on
// purpose: each one says what the caller should do differently.
enum class AdminCode {
  kOk,
  kInvalidArgument,     // the request itself is wrong (unknown config key, bad value)
  kNotFound,            // the thing asked about does not exist
  kFailedPrecondition,  // valid request, wrong state (appendonly off, rewrite already running)
  kUnavailable,         // try again later (node loading, shutting down)
  kUnimplemented,       // the node does not support this yet
  kInternal,            // a bug or an I/O failure on the node
};

// Errors are values: a code and a message written for the operator who will read it.
struct AdminError {
  AdminCode code = AdminCode::kOk;
  std::string message;

  static AdminError Ok() { return {}; }
  bool ok() const { return code == AdminCode::kOk; }
};

struct DatabaseKeys {
  int32_t db = 0;
  int64_t keys = 0;
  int64_t expires = 0;
};

struct NodeInfo {
  std::string version;
  std::string node_id;  // stable across restarts
  std::string role;     // "master" for a standalone node
  std::string resp_address;
  std::string admin_address;  // left empty: the admin server fills in where it listens
  int64_t process_id = 0;
  int64_t uptime_seconds = 0;
  int64_t connected_clients = 0;
  std::vector<DatabaseKeys> keyspace;  // non-empty databases, by db
  int64_t used_memory_bytes = 0;
  int64_t used_memory_rss_bytes = 0;
  double ops_per_sec = 0;
};

struct CommandStats {
  std::string name;  // lower case
  int64_t calls = 0;
  int64_t usec = 0;
  double p99_usec = 0;
  int64_t rejected_calls = 0;
  int64_t failed_calls = 0;
};

struct KeyspaceStats {
  int64_t hits = 0;
  int64_t misses = 0;
  int64_t expired = 0;
  int64_t evicted = 0;
};

struct NodeStats {
  std::vector<CommandStats> commands;  // commands called at least once, by name
  KeyspaceStats keyspace;
  int64_t total_commands_processed = 0;
  int64_t total_connections_received = 0;
};

// Field meanings as INFO persistence; -1 where INFO says -1 (no rewrite yet / none running).
struct PersistenceStatus {
  bool aof_enabled = false;
  bool aof_rewrite_in_progress = false;
  bool aof_rewrite_scheduled = false;
  int64_t aof_last_rewrite_time_seconds = -1;
  int64_t aof_current_rewrite_time_seconds = -1;
  std::string aof_last_bgrewrite_status = "ok";
  std::string aof_last_write_status = "ok";
  int64_t aof_rewrites = 0;
  int64_t aof_current_size_bytes = 0;
  int64_t aof_base_size_bytes = 0;
  bool loading = false;
  int64_t loading_loaded_bytes = 0;
  int64_t loading_total_bytes = 0;
  std::string appendfsync;
};

using ConfigPairs = std::vector<std::pair<std::string, std::string>>;

class NodeBackend {
 public:
  virtual ~NodeBackend() = default;

  virtual NodeInfo GetNodeInfo() = 0;
  virtual NodeStats GetStats() = 0;
  virtual PersistenceStatus GetPersistence() = 0;

  // Starts the same background rewrite as BGREWRITEAOF. kFailedPrecondition when appendonly is
  // off or a rewrite is already running. With wait, returns once the rewrite has finished, with
  // its outcome (kInternal and the reason if it failed).
  virtual AdminError StartAofRewrite(bool wait) = 0;

  // Settings whose names match the glob `pattern`, as CONFIG GET, ordered by name.
  virtual ConfigPairs GetConfig(const std::string& pattern) = 0;

  // Same table and validation as CONFIG SET; kInvalidArgument with CONFIG SET's message when
  // the key is unknown or the value rejected.
  virtual AdminError SetConfig(const std::string& key, const std::string& value) = 0;

  // Asks the node to stop gracefully and returns at once: the admin reply must still go out, and
  // the node destroys the AdminServer later from its own thread, never from inside this call.
  virtual void RequestShutdown(const std::string& reason) = 0;

  // True once the node serves clients (AOF loaded). Feeds grpc.health.v1 at start-up.
  virtual bool IsReady() = 0;
};

}  // namespace kv::admin
