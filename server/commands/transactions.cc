#include "server/commands/transactions.h"

#include <algorithm>
#include <memory>

#include "server/commands/server_state.h"

namespace kv {

WatchRegistry::WatchRegistry(Keyspace& keyspace)
    : keyspace_(keyspace), by_db_(keyspace.num_dbs()) {}

void WatchRegistry::Watch(ClientState& client, int db, std::string_view key, int64_t now_ms) {
  MultiState& multi = client.multi;
  for (const WatchedKey& w : multi.watched) {
    if (w.db == db && w.key == key) return;
  }
  // The shard lock of `key` is held: reading the entry's deadline is safe. Looking at the map
  // directly (not DbTable::Find) keeps WATCH from deleting an expired key as a side effect.
  int64_t deadline = 0;
  const DbTable& table = keyspace_.shard(keyspace_.ShardIndex(key)).dbs[static_cast<size_t>(db)];
  if (auto it = table.map().find(key); it != table.map().end()) {
    int64_t at = (*it)->expire_at_ms;
    if (at > now_ms) deadline = at;
  }
  multi.watched.push_back({db, std::string(key), deadline});
  {
    std::lock_guard lock(mu_);
    by_db_[static_cast<size_t>(db)][key].push_back(&multi);
    count_.fetch_add(1, std::memory_order_relaxed);
  }
  if (!multi.close_hook_set) {
    multi.close_hook_set = true;
    client.on_close.push_back([this, &client] { UnwatchAll(client); });
  }
}

void WatchRegistry::UnwatchAll(ClientState& client) {
  MultiState& multi = client.multi;
  if (!multi.watched.empty()) {
    std::lock_guard lock(mu_);
    for (const WatchedKey& w : multi.watched) {
      auto& map = by_db_[static_cast<size_t>(w.db)];
      auto it = map.find(w.key);
      if (it == map.end()) continue;
      Watchers& watchers = it->second;
      watchers.erase(std::remove(watchers.begin(), watchers.end(), &multi), watchers.end());
      if (watchers.empty()) map.erase(it);
      count_.fetch_sub(1, std::memory_order_relaxed);
    }
    multi.watched.clear();
  }
  multi.watch_dirty.store(false, std::memory_order_relaxed);
}

void WatchRegistry::TouchLocked(int db, std::string_view key) {
  auto& map = by_db_[static_cast<size_t>(db)];
  auto it = map.find(key);
  if (it == map.end()) return;
  for (MultiState* m : it->second) m->watch_dirty.store(true, std::memory_order_relaxed);
}

void WatchRegistry::OnKeyModified(int db, std::string_view key) {
  if (count_.load(std::memory_order_relaxed) == 0) return;
  std::lock_guard lock(mu_);
  TouchLocked(db, key);
}

void WatchRegistry::OnFlush(int db) {
  if (count_.load(std::memory_order_relaxed) == 0) return;
  std::lock_guard lock(mu_);
  for (size_t d = 0; d < by_db_.size(); ++d) {
    if (db >= 0 && static_cast<size_t>(db) != d) continue;
    for (auto& [key, watchers] : by_db_[d]) {
      const DbTable& table = keyspace_.shard(keyspace_.ShardIndex(key)).dbs[d];
      if (!table.map().contains(key)) continue;
      for (MultiState* m : watchers) m->watch_dirty.store(true, std::memory_order_relaxed);
    }
  }
}

void InstallTransactions(ServerState& server) {
  server.watches = std::make_shared<WatchRegistry>(server.keyspace);
  server.key_observers.push_back(server.watches.get());
}

void DiscardTransaction(ServerState& server, ClientState& client) {
  client.multi.Reset();
  if (server.watches) server.watches->UnwatchAll(client);
}

std::string ExecAbortError(std::string_view error) {
  if (error.starts_with("ERR ")) error.remove_prefix(4);
  std::string out = "EXECABORT Transaction discarded because of: ";
  out.append(error);
  return out;
}

}  // namespace kv
