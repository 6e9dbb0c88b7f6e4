#include "admin/fake_backend.h"

#include <fnmatch.h>

#include <chrono>
#include <thread>

namespace kv::admin {

FakeBackend::FakeBackend()
    : config_{{"maxmemory", "0"},
              {"maxmemory-policy", "noeviction"},
              {"appendonly", "yes"},
              {"appendfsync", "everysec"},
              {"port", "6379"}} {}

NodeInfo FakeBackend::GetNodeInfo() {
  NodeInfo info;
  info.version = "0.1.0";
  {
    std::lock_guard lock(mu_);
    info.node_id = node_id_;
    info.resp_address = resp_address_;
    info.keyspace = keyspace_;
  }
  info.role = "master";
  info.process_id = 4242;
  info.uptime_seconds = 3 * 86400 + 4 * 3600;
  info.connected_clients = 7;
  info.used_memory_bytes = 1288490189;  // 1.2 GiB
  info.used_memory_rss_bytes = 1395864371;
  info.ops_per_sec = 3400;
  return info;
}

NodeStats FakeBackend::GetStats() {
  NodeStats stats;
  stats.commands = {{"del", 12, 40, 5, 0, 0},
                    {"get", 90000, 180000, 4.5, 0, 0},
                    {"set", 50000, 150000, 7.5, 2, 3}};
  stats.keyspace = {60000, 30000, 17, 4};
  stats.total_commands_processed = 140012;
  stats.total_connections_received = 99;
  return stats;
}

PersistenceStatus FakeBackend::GetPersistence() {
  PersistenceStatus p;
  p.aof_enabled = aof_enabled.load();
  p.aof_rewrites = rewrites_started.load();
  p.aof_current_size_bytes = p.aof_enabled ? 5 * 1024 * 1024 : 0;
  p.aof_base_size_bytes = p.aof_enabled ? 1024 * 1024 : 0;
  p.appendfsync = "everysec";
  return p;
}

AdminError FakeBackend::StartAofRewrite(bool wait) {
  if (!aof_enabled.load()) {
    return {AdminCode::kFailedPrecondition, "appendonly is off"};
  }
  last_rewrite_waited = wait;
  ++rewrites_started;
  return AdminError::Ok();
}

ConfigPairs FakeBackend::GetConfig(const std::string& pattern) {
  std::lock_guard lock(mu_);
  ConfigPairs out;
  for (const auto& [name, value] : config_) {
    if (fnmatch(pattern.c_str(), name.c_str(), 0) == 0) out.emplace_back(name, value);
  }
  return out;
}

AdminError FakeBackend::SetConfig(const std::string& key, const std::string& value) {
  std::lock_guard lock(mu_);
  auto it = config_.find(key);
  if (it == config_.end()) {
    return {AdminCode::kInvalidArgument,
            "Unknown option or number of arguments for CONFIG SET - '" + key + "'"};
  }
  it->second = value;
  return AdminError::Ok();
}

bool FakeBackend::IsReady() {
  if (int delay = first_is_ready_delay_ms.exchange(0); delay > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(delay));
  }
  return ready.load();
}

void FakeBackend::RequestShutdown(const std::string& reason) {
  std::lock_guard lock(mu_);
  shutdown_reason_ = reason;
  shutdown_requested = true;
}

void FakeBackend::SetIdentity(std::string node_id, std::string resp_address, int64_t keys) {
  std::lock_guard lock(mu_);
  node_id_ = std::move(node_id);
  resp_address_ = std::move(resp_address);
  keyspace_ = {{0, keys, 0}};
}

std::string FakeBackend::shutdown_reason() const {
  std::lock_guard lock(mu_);
  return shutdown_reason_;
}

}  // namespace kv::admin
