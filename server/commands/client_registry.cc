#include "server/commands/client_registry.h"

namespace kv {

uint64_t ClientRegistry::Add(ClientState* state) {
  std::lock_guard lock(mu_);
  uint64_t id = next_id_++;
  state->id = id;
  clients_.emplace(id, state);
  return id;
}

void ClientRegistry::Remove(uint64_t id) {
  std::lock_guard lock(mu_);
  clients_.erase(id);
}

size_t ClientRegistry::size() const {
  std::lock_guard lock(mu_);
  return clients_.size();
}

void ClientRegistry::ForEach(const std::function<void(const ClientState&)>& fn) const {
  std::lock_guard lock(mu_);
  for (const auto& [id, state] : clients_) fn(*state);
}

std::shared_ptr<ClientChannel> ClientRegistry::Channel(uint64_t id) const {
  std::lock_guard lock(mu_);
  auto it = clients_.find(id);
  return it == clients_.end() ? nullptr : it->second->channel.lock();
}

}  // namespace kv
