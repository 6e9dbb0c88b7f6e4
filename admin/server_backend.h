#pragma once

// NodeBackend over the real node's ServerState: what kv-server's admin plane serves.

#include <cstdint>
#include <string>

#include "admin/node_backend.h"

namespace kv {
struct ServerState;
}

namespace kv::admin {

class ServerBackend final : public NodeBackend {
 public:
  // `node_id` comes from LoadOrCreateNodeId. `state` must outlive the backend.
  ServerBackend(ServerState& state, std::string node_id);

  NodeInfo GetNodeInfo() override;
  NodeStats GetStats() override;
  PersistenceStatus GetPersistence() override;
  AdminError StartAofRewrite(bool wait) override;
  ConfigPairs GetConfig(const std::string& pattern) override;
  AdminError SetConfig(const std::string& key, const std::string& value) override;
  void RequestShutdown(const std::string& reason) override;
  bool IsReady() override;

 private:
  ServerState& state_;
  const std::string node_id_;
};

// The node's stable id: read from `<dir>/node-id`, or generated (40 hex chars) and written there on
// first start. When it cannot be written, still returns the generated id (good for this run only)
// and sets *error.
std::string LoadOrCreateNodeId(const std::string& dir, std::string* error);

}  // namespace kv::admin
