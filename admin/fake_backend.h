#pragma once

// Test-only NodeBackend: canned figures, a small config table, and a record of what the admin
// plane asked for, so tests can drive the gRPC server and kvctl without a real node.

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <vector>

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
  // Another identity, for one node of a FakeCluster: its id, RESP address and keys in db 0.
  void SetIdentity(std::string node_id, std::string resp_address, int64_t keys);

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::string> config_;                         // guarded by mu_
  std::string shutdown_reason_;                                       // guarded by mu_
  std::string node_id_ = "f00dfeedf00dfeedf00dfeedf00dfeedf00dfeed";  // guarded by mu_
  std::string resp_address_ = "127.0.0.1:6379";                       // guarded by mu_
  std::vector<DatabaseKeys> keyspace_ = {{0, 1200, 30}, {3, 5, 0}};   // guarded by mu_
};

}  // namespace kv::admin
