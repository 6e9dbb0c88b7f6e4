#pragma once

// All connected clients, for CLIENT LIST/KILL, INFO clients and maxclients. Thread-safe.

#include <absl/container/btree_map.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>

#include "server/commands/client_state.h"

namespace kv {

class ClientRegistry {
 public:
  // Registers a client and assigns its id; the state must outlive its registration.
  uint64_t Add(ClientState* state);
  void Remove(uint64_t id);
  size_t size() const;
  // Calls fn for every client in id order while holding the registry lock: fn must only read the
  // atomic / mutex-guarded fields of ClientState and must not call back into the registry.
  void ForEach(const std::function<void(const ClientState&)>& fn) const;
  std::shared_ptr<ClientChannel> Channel(uint64_t id) const;

 private:
  mutable std::mutex mu_;
  uint64_t next_id_ = 1;
  absl::btree_map<uint64_t, ClientState*> clients_;
};

}  // namespace kv
