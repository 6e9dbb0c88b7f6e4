#pragma once

// WATCH bookkeeping and the glue the dispatcher needs for MULTI/EXEC. The commands themselves are
// in multi_family.cc.
//
// Why EXEC locks every shard (kAllShards) and runs its queue through Dispatcher::ExecuteLocked:
// every command that touches keys holds its keys' shard locks, so holding all of them makes the
// WATCH check and the whole queue one atomic step for every other client, on every I/O thread,
// without knowing the queued commands' keys in advance. The cost is one lock per shard per EXEC
// (tens of nanoseconds each) and stalling other clients' keyed commands for the duration of the
// transaction, which is what Redis's single thread does anyway. Locking only the queued keys'
// shards would let unrelated keys proceed, but kAllShards commands inside the queue (FLUSHALL,
// DBSIZE) would then need all shards anyway; measure before refining.
// Consequence for handlers: a handler must never take shard locks itself (everything it touches
// is locked by the dispatcher from its table row), or it deadlocks when queued inside MULTI.

#include <absl/container/flat_hash_map.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "server/commands/client_state.h"
#include "server/commands/key_observer.h"
#include "server/db/key_hash.h"
#include "server/db/keyspace.h"

namespace kv {

struct ServerState;

// Which clients watch which keys. Thread-safe. Lock order: shard locks before mu_, never the
// other way round (OnKeyModified runs under the modified key's shard lock).
class WatchRegistry final : public KeyObserver {
 public:
  explicit WatchRegistry(Keyspace& keyspace);

  // Called by WATCH with the key's shard lock held, on the client's thread.
  void Watch(ClientState& client, int db, std::string_view key, int64_t now_ms);
  // Forgets every key `client` watches and clears its dirty flag. On the client's thread.
  void UnwatchAll(ClientState& client);

  // Under the key's shard lock, on the thread that modified it.
  void OnKeyModified(int db, std::string_view key) override;
  // Under every shard lock, before the keys are removed: as Redis's touchAllWatchedKeysInDb, only
  // watchers of keys that exist are flagged.
  void OnFlush(int db) override;

  // Number of (client, key) watch pairs, for INFO / tests.
  size_t watched_count() const { return count_.load(std::memory_order_relaxed); }

 private:
  using Watchers = std::vector<MultiState*>;
  void TouchLocked(int db, std::string_view key);

  Keyspace& keyspace_;
  // Fast path: writes skip the lock while nobody watches anything. Relaxed is enough because a
  // WATCH and a write of the same key are ordered by that key's shard lock.
  std::atomic<size_t> count_{0};
  mutable std::mutex mu_;
  // One map per database, keyed by key name.
  std::vector<absl::flat_hash_map<std::string, Watchers, KeyHash, KeyEq>> by_db_;
};

// Creates the WatchRegistry, stores it in `server.watches` and registers it as a key observer.
// Call once where the ServerState is built, before clients connect.
void InstallTransactions(ServerState& server);

// Leaves MULTI and unwatches everything (DISCARD, EXEC, an EXEC rejected by the dispatcher).
void DiscardTransaction(ServerState& server, ClientState& client);

// Redis's execCommandAbort text for an EXEC the dispatcher rejected while in MULTI:
// "EXECABORT Transaction discarded because of: <error without its ERR prefix>".
std::string ExecAbortError(std::string_view error);

}  // namespace kv
