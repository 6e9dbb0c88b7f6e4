#pragma once

// Test-only NodeBackend: canned figures, a small config table, and a record of what the admin
// plane asked for, so tests can drive the gRPC server and kvctl without a real node.

#include <atomic>
#include <map>
#include <mutex>

#include "admin/node_backend.h"

namespace kv::admin {

class FakeBackend final : public NodeBackend {
 public:
  FakeBackend();

  NodeInfo GetNodeInfo() override;
  NodeStats GetStats() override;
  PersistenceStatus GetPersistence() override;
  AdminError StartAofRewrite(bool wait) override;
  ConfigPairs GetConfig(const std::string& pattern) override;
  AdminError SetConfig(const std::string& key, const std::string& value) override;
  void RequestShutdown(const std::string& reason) override;
  bool IsReady() override;

  // Knobs and records for tests.
  std::atomic<bool> ready{false};
  std::atomic<int> first_is_ready_delay_ms{0};  // the first IsReady() sleeps this long
  std::atomic<bool> aof_enabled{true};
  std::atomic<int> rewrites_started{0};
  std::atomic<bool> last_rewrite_waited{false};
  std::atomic<bool> shutdown_requested{false};
  std::string shutdown_reason() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::string> config_;  // guarded by mu_
  std::string shutdown_reason_;                // guarded by mu_
};

}  // namespace kv::admin
