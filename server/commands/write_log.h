#pragma once

// Where executed writes go: the AOF implements it. The dispatcher appends while it still holds the
// shard locks of the command, so the log's order is the execution order for any two commands that
// touched a common key.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "server/commands/command.h"

namespace kv {

class WriteLog {
 public:
  virtual ~WriteLog() = default;
  // Queues one command (as RESP multibulk) for database `db`; returns its sequence number.
  // Never does file I/O on the calling thread.
  virtual uint64_t Append(int db, ArgList argv) = 0;
  // An error text (MISCONF...) while writes must be refused because the log cannot persist them.
  virtual std::optional<std::string> WriteError() const = 0;
  // True when record `seq` is as durable as the fsync policy requires before its reply may leave
  // (always: fsynced; everysec/no: handed to the writer, which Append already did). Otherwise
  // returns false and later calls `on_durable` once, from the writer's thread. Under always the
  // held replies are what starts an fsync: the log decides when enough clients wait (group commit).
  virtual bool ReadyToReply(uint64_t seq, std::function<void()> on_durable) = 0;

  // An AOF rewrite captures the keyspace as it was at one instant (its cut) without stopping
  // writers: while capturing() is true, the dispatcher calls BeforeWriteLocked(i) for every shard
  // i it locked for a write command, before the handler runs, and the log serialises that shard
  // first if the rewrite has not reached it yet. capturing() is set under all shard locks, so a
  // thread holding any shard lock reads it correctly with a relaxed load.
  bool capturing() const { return capturing_.load(std::memory_order_relaxed); }
  virtual void BeforeWriteLocked(size_t /*shard*/) {}

 protected:
  std::atomic<bool> capturing_{false};
};

}  // namespace kv
