#pragma once

// What the commands (BGREWRITEAOF, WAITAOF, INFO persistence) and the admin plane may ask of the
// AOF module (server/aof), which depends on this library and not the other way round.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace kv {

class AofControl {
 public:
  virtual ~AofControl() = default;

  enum class RewriteTrigger { kCommand, kAdmin, kAuto };
  // Starts a background rewrite. Returns the error text (Redis wording, with "ERR ") when one is
  // already running, or, for kAdmin, when appendonly is off. BGREWRITEAOF (kCommand) rewrites even
  // with appendonly off, as Redis 7.0 does.
  virtual std::optional<std::string> StartRewrite(RewriteTrigger trigger) = 0;
  // Blocks the calling thread until no rewrite runs; returns whether the last one succeeded.
  // For the admin plane and tests, never for an I/O thread.
  virtual bool WaitForRewrite() = 0;

  // True when appendonly is on (also while it is being switched on by its first rewrite).
  virtual bool enabled() const = 0;
  // Sequence number up to which every record is fsynced (0 when appendonly is off).
  virtual uint64_t fsynced_seq() const = 0;
  // WAITAOF: calls done(local_fsynced) from another thread once record `seq` is fsynced (asking
  // the writer for an early fsync), or, when `wait_deadline_ms` (Unix ms, 0 = none) passes
  // first, with whether it was fsynced then. With `until_deadline` it always waits for the
  // deadline (numreplicas > 0: no replica will ever acknowledge).
  virtual void WaitFsynced(uint64_t seq, int64_t wait_deadline_ms, bool until_deadline,
                           std::function<void(bool)> done) = 0;

  // Bytes the AOF holds in memory (records not yet written, the copy of the unsynced ones):
  // maxmemory does not count them, as Redis's freeMemoryGetNotCountedMemory.
  virtual int64_t buffered_bytes() const { return 0; }
  // The aof_* lines of INFO persistence, each "name:value\r\n".
  virtual void AppendPersistenceInfo(std::string* out) const = 0;
};

}  // namespace kv
