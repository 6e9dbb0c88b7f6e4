#pragma once

// Modules that must learn when keys change: WATCH (a modified key aborts the transaction) and
// blocking commands (a push wakes a waiter). The dispatcher calls OnKeyModified for every key
// argument of a write command that modified the keyspace, with that key's shard lock held, on the
// executing thread. Commands that change keys the table does not name (FLUSHDB, FLUSHALL, SWAPDB)
// call OnFlush themselves. Implementations keep a cheap fast path for "nobody is interested".

#include <string_view>

namespace kv {

class KeyObserver {
 public:
  virtual ~KeyObserver() = default;
  virtual void OnKeyModified(int db, std::string_view key) = 0;
  // Every key of `db` (or of all databases when db < 0) was removed.
  virtual void OnFlush(int db) = 0;
  // Called after every command once its shard locks are released, on the executing thread: work
  // that needs other shards' locks (a blocked BLMOVE served across shards) finishes here.
  virtual void AfterCommand() {}
};

}  // namespace kv
