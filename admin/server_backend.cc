#include "admin/server_backend.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>

#include "admin/persistence_info.h"
#include "server/base/clock.h"
#include "server/commands/aof_control.h"
#include "server/commands/server_info.h"
#include "server/commands/server_state.h"

namespace kv::admin {
namespace {

bool IsHexId(const std::string& s) {
  if (s.size() != 40) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

std::string LoadOrCreateNodeId(const std::string& dir, std::string* error) {
  const std::filesystem::path path = std::filesystem::path(dir) / "node-id";
  {
    std::ifstream in(path);
    std::string id;
    if (in >> id && IsHexId(id)) return id;
  }
  std::random_device rd;
  std::string id(40, '0');
  const char* hex = "0123456789abcdef";
  for (char& c : id) c = hex[rd() % 16];
  // Write-then-rename so a crash never leaves a half-written id behind.
  const std::filesystem::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << id << "\n";
    if (!out.flush()) {
      *error = "cannot write " + tmp.string();
      return id;
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    *error = "cannot create " + path.string() + ": " + ec.message();
    return id;
  }
  return id;
}

ServerBackend::ServerBackend(ServerState& state, std::string node_id)
    : state_(state), node_id_(std::move(node_id)) {}

NodeInfo ServerBackend::GetNodeInfo() {
  NodeInfo info;
  info.version = KV_VERSION;
  info.node_id = node_id_;
  info.role = "master";
  info.resp_address = PrimaryBindAddress(state_.config) + ":" + std::to_string(state_.tcp_port);
  info.process_id = getpid();
  info.uptime_seconds = (UnixMillis() - state_.start_time_ms) / 1000;
  info.connected_clients = static_cast<int64_t>(state_.clients.size());
  Keyspace& ks = state_.keyspace;
  std::vector<DatabaseKeys> dbs(ks.num_dbs());
  // One shard lock at a time: never stalls more than one stripe of the data plane.
  for (size_t s = 0; s < ks.num_shards(); ++s) {
    Shard& shard = ks.shard(s);
    std::lock_guard lock(shard.mu);
    for (size_t db = 0; db < dbs.size(); ++db) {
      dbs[db].keys += static_cast<int64_t>(shard.dbs[db].size());
      dbs[db].expires += static_cast<int64_t>(shard.dbs[db].expires_size());
    }
  }
  for (size_t db = 0; db < dbs.size(); ++db) {
    dbs[db].db = static_cast<int32_t>(db);
    if (dbs[db].keys > 0) info.keyspace.push_back(dbs[db]);
  }
  // The same figures as INFO memory's used_memory and used_memory_rss.
  info.used_memory_bytes = static_cast<int64_t>(kv::UsedMemory());
  info.used_memory_rss_bytes = static_cast<int64_t>(kv::ResidentBytes());
  // The server cron's samples, as INFO instantaneous_ops_per_sec: a window of our own per call
  // would depend on who polled last (two dashboards would halve each other's rate).
  info.ops_per_sec = state_.sampler.PerSecond(StatsSampler::kOps);
  return info;
}

NodeStats ServerBackend::GetStats() {
  NodeStats stats;
  for (const CommandSpec* spec : state_.commands.All()) {
    const kv::CommandStats& c = state_.commands.StatsOf(*spec);
    const uint64_t calls = c.calls.load(std::memory_order_relaxed);
    const uint64_t rejected = c.rejected_calls.load(std::memory_order_relaxed);
    const uint64_t failed = c.failed_calls.load(std::memory_order_relaxed);
    if (calls == 0 && rejected == 0 && failed == 0) continue;  // as INFO commandstats
    stats.commands.push_back({std::string(spec->name), static_cast<int64_t>(calls),
                              static_cast<int64_t>(c.usec.load(std::memory_order_relaxed)),
                              static_cast<double>(c.PercentileMicros(99)),
                              static_cast<int64_t>(rejected), static_cast<int64_t>(failed)});
  }
  std::sort(stats.commands.begin(), stats.commands.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  Keyspace& ks = state_.keyspace;
  for (size_t s = 0; s < ks.num_shards(); ++s) {
    Shard& shard = ks.shard(s);
    std::lock_guard lock(shard.mu);
    for (const DbTable& db : shard.dbs) {
      stats.keyspace.hits += static_cast<int64_t>(db.hits);
      stats.keyspace.misses += static_cast<int64_t>(db.misses);
      stats.keyspace.expired += static_cast<int64_t>(db.expired);
    }
  }
  stats.keyspace.evicted = 0;  // no maxmemory eviction in the node yet
  stats.total_commands_processed =
      static_cast<int64_t>(state_.stats.commands_processed.load(std::memory_order_relaxed));
  stats.total_connections_received =
      static_cast<int64_t>(state_.stats.connections_received.load(std::memory_order_relaxed));
  return stats;
}

PersistenceStatus ServerBackend::GetPersistence() {
  // Parsed from the same text INFO persistence shows, so the two can never disagree.
  std::string info;
  AppendPersistenceInfo(state_, &info);
  PersistenceStatus p = ParsePersistenceInfo(info);
  p.appendfsync = state_.config.Get("appendfsync");
  p.loading = state_.loading.load(std::memory_order_relaxed);
  return p;
}

AdminError ServerBackend::StartAofRewrite(bool wait) {
  if (!state_.config.GetBool("appendonly") || state_.aof == nullptr) {
    return {AdminCode::kFailedPrecondition, "appendonly is off"};
  }
  if (auto err = state_.aof->StartRewrite(AofControl::RewriteTrigger::kAdmin)) {
    std::string_view msg = *err;
    if (msg.starts_with("ERR ")) msg.remove_prefix(4);
    return {AdminCode::kFailedPrecondition, std::string(msg)};
  }
  if (wait && !state_.aof->WaitForRewrite()) {
    return {AdminCode::kInternal, "AOF rewrite failed; see the node's log"};
  }
  return AdminError::Ok();
}

ConfigPairs ServerBackend::GetConfig(const std::string& pattern) {
  ConfigPairs pairs = state_.config.Match(pattern);
  std::sort(pairs.begin(), pairs.end());
  return pairs;
}

AdminError ServerBackend::SetConfig(const std::string& key, const std::string& value) {
  if (auto err = state_.config.Set(key, value, /*at_runtime=*/true)) {
    return {AdminCode::kInvalidArgument, "CONFIG SET '" + key + "': " + *err};
  }
  return AdminError::Ok();
}

void ServerBackend::RequestShutdown(const std::string& /*reason*/) {
  if (state_.request_shutdown) state_.request_shutdown();
}

bool ServerBackend::IsReady() { return !state_.loading.load(std::memory_order_relaxed); }

}  // namespace kv::admin
