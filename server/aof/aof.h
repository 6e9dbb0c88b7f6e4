#pragma once

// The append-only file: kv::WriteLog (records from the executing threads), kv::AofControl
// (BGREWRITEAOF, WAITAOF, INFO, admin) and start-up loading, in Redis 7's multi-part layout
// (dir/appenddirname/ with one base file, incremental files and a manifest; aof_format.h).
//
// Threads:
//  - executing threads call Append()/ReadyToReply()/BeforeWriteLocked() while holding shard
//    locks; they only touch memory (the queue under mu_), never files;
//  - one writer thread owns the live incremental file: it writes queued batches, fsyncs per
//    appendfsync (always: one fsync per batch = group commit; everysec: at most once a second;
//    no: never), releases replies held for durability, retries after I/O errors, and runs the
//    periodic checks (automatic rewrite, WAITAOF deadlines);
//  - one rewrite thread at a time produces a new base file from a point-in-time view (below).
//
// Rewrite: under all shard locks (a few microseconds) the rewrite takes its cut: the writer is
// told to continue in a fresh incremental file from the next record on, and every shard is marked
// "not captured". The rewrite thread then serialises shards one at a time under that shard's lock;
// a write command about to change a shard not captured yet serialises it first (BeforeWriteLocked),
// so the base holds exactly the keyspace at the cut and the new incremental file exactly the
// writes after it: no record is in both, none in neither. Then base is fsynced and renamed, a new
// manifest (base + incrementals since the cut) is written to a temp file, fsynced, renamed and
// the directory fsynced; only then are the old files deleted. A crash before the manifest rename
// loads the old manifest, whose files are all still there (the new incremental file is listed in
// it from the cut on); a crash after loads the new one.
//
// Errors: a failed write is truncated back to the last whole record (or, when even ftruncate
// fails, continued from where it stopped), the data stays queued and is retried every second;
// meanwhile WriteError() makes the dispatcher refuse writes with MISCONF while reads go on. A
// failed fsync is not retried as is (Linux may have dropped the dirty pages and a second fsync
// would succeed without the data): every byte written since the last good fsync is kept in memory
// and, after a failure, the file is truncated back to the last good fsync and those bytes are
// written again before the next fsync. With appendfsync always the replies of the affected writes
// stay held until that succeeds; nothing is acknowledged that is not on disk.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "server/aof/aof_format.h"
#include "server/commands/aof_control.h"
#include "server/commands/dispatcher.h"
#include "server/commands/server_state.h"
#include "server/commands/write_log.h"

namespace kv {

class Aof final : public WriteLog, public AofControl {
 public:
  explicit Aof(Dispatcher& dispatcher);
  ~Aof() override;
  Aof(const Aof&) = delete;
  Aof& operator=(const Aof&) = delete;

  // Start-up, before clients may write: with appendonly yes loads the AOF into the keyspace
  // (ServerState::loading must be set by the caller), opens it for appending and attaches itself
  // as ServerState::write_log. Returns a message when the node must not start.
  std::optional<std::string> Start();
  // Graceful shutdown (after the network stopped): aborts a running rewrite, writes and fsyncs
  // everything queued, closes the files. Idempotent.
  void Shutdown();

  // WriteLog (executing threads, under shard locks).
  uint64_t Append(int db, ArgList argv) override;
  std::optional<std::string> WriteError() const override;
  bool ReadyToReply(uint64_t seq, std::function<void()> on_durable) override;
  void BeforeWriteLocked(size_t shard) override;

  // AofControl.
  std::optional<std::string> StartRewrite(RewriteTrigger trigger) override;
  bool WaitForRewrite() override;
  bool enabled() const override;
  uint64_t fsynced_seq() const override { return synced_seq_.load(std::memory_order_acquire); }
  void WaitFsynced(uint64_t seq, int64_t wait_deadline_ms, bool until_deadline,
                   std::function<void(bool)> done) override;
  void AppendPersistenceInfo(std::string* out) const override;
  int64_t buffered_bytes() const override {
    return queued_bytes_.load(std::memory_order_relaxed) +
           buffered_bytes_.load(std::memory_order_relaxed) +
           rewrite_held_bytes_.load(std::memory_order_relaxed);
  }

  // For tests and logs: the AOF directory.
  std::string aof_dir() const;

 private:
  enum class State { kOff, kEnabling, kOn };
  enum class Fsync { kAlways, kEverySec, kNo };

  // A run of queued records. When switch_fd >= 0 the writer continues in that file (already
  // created) after writing `data`; when close_after, it closes the file (appendonly no).
  struct Chunk {
    std::string data;
    uint64_t last_seq = 0;
    int switch_fd = -1;
    bool close_after = false;
  };
  struct DurableWaiter {
    uint64_t seq;
    std::function<void()> cb;
  };
  struct FsyncWaiter {
    uint64_t seq;
    int64_t deadline_ms;  // 0 = none
    bool until_deadline;
    std::function<void(bool)> done;
  };
  enum class RewriteMode { kOffline, kWithIncr, kEnabling };

  // Loading (aof_loader.cc).
  std::optional<std::string> LoadAll(const AofManifest& m);

  // Writer thread.
  void WriterLoop();
  bool WriteChunk(Chunk& c);
  bool SyncFile();
  bool RepairUnsynced();
  void SetWriteError(int err, const char* what);
  void ClearWriteError();
  // Waits (mu_ held) until the writer should take the queued records: at once for everysec/no,
  // when DurableBatchDue for always, or at the timer tick.
  void WaitForBatch(std::unique_lock<std::mutex>& lk);
  // appendfsync always (mu_ held): the replies held for durability should get their fsync now
  // (see ReleaseDurable for why it waits for more of them).
  bool DurableBatchDue(std::chrono::steady_clock::time_point now) const;
  // Runs the callbacks of the replies the last fsync made durable; `synced_before` tells whether
  // this round fsynced.
  void ReleaseDurable(uint64_t synced_before);
  void ServeFsyncWaiters(int64_t now_ms, bool force_all);
  void Cron(int64_t now_ms);
  void PublishBuffered();

  // Rewrite thread.
  void RewriteMain(RewriteMode mode);
  bool RewriteBody(RewriteMode mode, std::string* error);
  void SerializeShardLocked(size_t shard, std::string* out, int64_t now_ms);
  bool WriteCaptured(int fd, std::string* error);

  // Files.
  bool PersistManifest(const AofManifest& m, std::string* error);
  std::string PathOf(const std::string& name) const;

  void OnAppendOnlyChange(bool on);
  void OnFsyncChange(const std::string& v);
  Chunk& TailChunk();
  // Reserves room for `need` bytes in `buffer`, adding its growth to `counter` before the
  // allocation (old and new storage both) and settling it after.
  static void ReserveCounted(std::string* buffer, size_t need, std::atomic<int64_t>& counter);
  int64_t CurrentSize() const;

  Dispatcher& dispatcher_;
  ServerState& server_;

  // Queue between executing threads and the writer.
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Chunk> chunks_;
  uint64_t seq_ = 0;
  int last_db_ = -1;  // database of the last queued record in the current file
  bool writer_waiting_ = false;
  bool fsync_requested_ = false;
  bool stop_writer_ = false;
  std::vector<DurableWaiter> durable_waiters_;
  // appendfsync always: the next fsync waits, until `until`, for `clients` durable waiters.
  struct Gather {
    size_t clients = 0;
    std::chrono::steady_clock::time_point until;
  };
  Gather gather_;
  std::vector<FsyncWaiter> fsync_waiters_;
  std::atomic<uint64_t> written_seq_{0};
  std::atomic<uint64_t> synced_seq_{0};

  // Writer-thread state (no lock: only the writer touches it once started).
  std::vector<Chunk> backlog_;  // taken from the queue, not yet fully written
  int fd_ = -1;
  int64_t file_size_ = 0;
  int64_t synced_size_ = 0;
  std::string unsynced_;  // copy of the bytes in [synced_size_, file_size_)
  // What the writer holds in memory (unsynced_ and backlog_), for buffered_bytes(); PublishBuffered
  // (writer thread) sets it.
  std::atomic<int64_t> buffered_bytes_{0};
  // Capacity of the chunks queued since the writer last took them (guarded by mu_ for writes).
  std::atomic<int64_t> queued_bytes_{0};
  bool unsynced_complete_ = true;
  bool needs_repair_ = false;  // an fsync failed: rewrite the unsynced bytes before trusting it
  int64_t last_fsync_ms_ = 0;
  std::chrono::steady_clock::time_point sync_started_;
  int64_t retry_at_ms_ = 0;
  std::thread writer_;

  // Error reported to the dispatcher.
  std::atomic<bool> write_failed_{false};
  mutable std::mutex error_mu_;
  std::string error_text_;

  std::atomic<Fsync> fsync_policy_{Fsync::kEverySec};
  std::atomic<State> state_{State::kOff};

  // Manifest and sizes.
  mutable std::mutex manifest_mu_;
  AofManifest manifest_;
  bool have_manifest_ = false;
  std::atomic<int64_t> base_size_{0};
  std::atomic<int64_t> closed_incr_size_{0};  // incrementals in the manifest, except the live one
  std::atomic<int64_t> live_size_{0};
  std::atomic<int64_t> rewrite_base_size_{0};  // size after the last rewrite or load
  std::atomic<uint64_t> switches_done_{0};

  // Rewrite.
  std::mutex rewrite_mu_;
  std::condition_variable rewrite_cv_;
  std::thread rewriter_;
  bool rewrite_running_ = false;
  bool last_rewrite_ok_ = true;
  std::atomic<bool> rewrite_abort_{false};
  std::atomic<bool> rewrite_in_progress_{false};
  std::atomic<bool> enable_scheduled_{false};
  std::atomic<int64_t> rewrite_started_ms_{0};
  // Start-up load, for the loading_* lines of INFO persistence while ServerState::loading.
  std::atomic<int64_t> loading_start_ms_{0};
  std::atomic<int64_t> loading_total_bytes_{0};
  std::atomic<int64_t> loading_loaded_bytes_{0};
  std::atomic<int64_t> last_rewrite_ms_{-1};
  std::atomic<bool> last_bgrewrite_ok_{true};
  std::atomic<uint64_t> rewrites_{0};
  std::atomic<int64_t> rewrite_retry_at_ms_{0};
  // Capture state: captured_[i] is guarded by shard i's mutex; outputs by capture_mu_.
  std::vector<uint8_t> captured_;
  std::mutex capture_mu_;
  std::vector<std::string> capture_outputs_;
  // Serialised shards the rewrite holds before writing them (capture outputs and its own buffer).
  std::atomic<int64_t> rewrite_held_bytes_{0};
  bool capture_failed_ = false;

  // Set by Shutdown (main thread), read by the writer's cron and by BGREWRITEAOF callers.
  std::atomic<bool> shut_down_{false};
};

}  // namespace kv
