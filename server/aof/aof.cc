#include "server/aof/aof.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>

#include "server/aof/aof_loader.h"
#include "server/base/file_util.h"
#include "server/base/heap_bytes.h"
#include "server/base/clock.h"
#include "server/base/thread_name.h"

namespace kv {
namespace {

constexpr int64_t kBatchGatherMs = 1;  // everysec/no: how long a write batch gathers
// appendfsync always: the longest an fsync waits for the clients the previous one released.
constexpr std::chrono::microseconds kMaxGather{2000};
constexpr int64_t kTickMs = 100;              // writer wake-up for timers (everysec, cron, retry)
constexpr int64_t kRetryAfterErrorMs = 1000;  // as Redis retries a failed AOF write every second
// Bytes written since the last fsync kept in memory so a failed fsync can be repaired; beyond
// this (appendfsync no, or a huge second) a failed fsync needs a rewrite to recover.
constexpr size_t kMaxUnsyncedCopy = 64 * 1024 * 1024;

std::string ErrnoText(int err) { return std::strerror(err); }

}  // namespace

Aof::Aof(Dispatcher& dispatcher) : dispatcher_(dispatcher), server_(dispatcher.server()) {
  captured_.assign(server_.keyspace.num_shards(), 1);
  server_.aof = this;
  OnFsyncChange(server_.config.Get("appendfsync"));
  server_.config.OnChange("appendfsync", [this](const std::string& v) { OnFsyncChange(v); });
  server_.config.OnChange(
      "appendonly", [this](const std::string& v) { OnAppendOnlyChange(v == "yes" || v == "1"); });
}

Aof::~Aof() { Shutdown(); }

std::string Aof::aof_dir() const {
  return server_.config.Get("dir") + "/" + server_.config.Get("appenddirname");
}

std::string Aof::PathOf(const std::string& name) const { return aof_dir() + "/" + name; }

int64_t Aof::CurrentSize() const {
  return base_size_.load() + closed_incr_size_.load() + live_size_.load();
}

// ---- Start-up -------------------------------------------------------------------------------

std::optional<std::string> Aof::Start() {
  auto start_writer = [this] {
    writer_ = std::thread([this] {
      SetThreadName("kv-aof-writer");
      WriterLoop();
    });
  };
  if (!server_.config.GetBool("appendonly")) {
    start_writer();
    return std::nullopt;
  }
  const std::string dir = aof_dir();
  const std::string name = server_.config.Get("appendfilename");
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return "Can't create the AOF directory " + dir + ": " + ec.message();

  AofManifest m;
  bool have = false;
  const std::string manifest_path = PathOf(ManifestFileName(name));
  std::string text;
  if (file_io::ReadFile(manifest_path, &text)) {
    std::string err;
    auto parsed = ParseManifest(text, &err);
    if (!parsed) return err + " (" + manifest_path + ")";
    m = *parsed;
    have = true;
  } else if (std::string legacy = server_.config.Get("dir") + "/" + name;
             file_io::FileSize(legacy) >= 0) {
    // A single-file AOF from before the multi-part layout becomes the base, as Redis 7 upgrades.
    m.base = AofFileInfo{BaseFileName(name, 1), 1, AofFileInfo::Type::kBase};
    if (::rename(legacy.c_str(), PathOf(m.base->name).c_str()) != 0) {
      return "Can't move the old AOF " + legacy + " into " + dir + ": " + ErrnoText(errno);
    }
    if (int rc = file_io::WriteFileAtomic(dir, ManifestFileName(name), FormatManifest(m))) {
      return "Can't write the AOF manifest: " + ErrnoText(rc);
    }
    spdlog::info("Upgraded the single-file AOF {} to the multi-part layout in {}", legacy, dir);
    have = true;
  }

  if (have) {
    auto t0 = MonotonicMicros();
    if (auto err = LoadAll(m)) return err;
    size_t keys = 0;
    for (size_t db = 0; db < server_.keyspace.num_dbs(); ++db)
      keys += server_.keyspace.KeyCount(db);
    spdlog::info("DB loaded from append only file: {} keys in {:.3f} seconds", keys,
                 (MonotonicMicros() - t0) / 1e6);
  }
  for (const auto& h : m.history) ::unlink(PathOf(h.name).c_str());
  bool manifest_dirty = !m.history.empty() || !have;
  m.history.clear();

  if (m.incrs.empty()) {
    AofFileInfo incr{IncrFileName(name, m.next_incr_seq()), m.next_incr_seq(),
                     AofFileInfo::Type::kIncr};
    fd_ = ::open(PathOf(incr.name).c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC,
                 0644);
    if (fd_ < 0) return "Can't create the AOF file " + PathOf(incr.name) + ": " + ErrnoText(errno);
    m.incrs.push_back(incr);
    manifest_dirty = true;
  } else {
    const std::string live = PathOf(m.incrs.back().name);
    fd_ = ::open(live.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd_ < 0) return "Can't open the AOF file " + live + " for appending: " + ErrnoText(errno);
    file_size_ = std::max<int64_t>(0, file_io::FileSize(live));
  }
  if (manifest_dirty) {
    if (int rc = file_io::WriteFileAtomic(dir, ManifestFileName(name), FormatManifest(m))) {
      return "Can't write the AOF manifest: " + ErrnoText(rc);
    }
  }
  synced_size_ = file_size_;
  base_size_ = m.base ? std::max<int64_t>(0, file_io::FileSize(PathOf(m.base->name))) : 0;
  int64_t closed = 0;
  for (size_t i = 0; i + 1 < m.incrs.size(); ++i) {
    closed += std::max<int64_t>(0, file_io::FileSize(PathOf(m.incrs[i].name)));
  }
  closed_incr_size_ = closed;
  live_size_ = file_size_;
  rewrite_base_size_ = CurrentSize();
  {
    std::lock_guard lk(manifest_mu_);
    manifest_ = m;
    have_manifest_ = true;
  }
  last_fsync_ms_ = UnixMillis();
  state_ = State::kOn;
  start_writer();
  // From here on every executed write is logged; what was replayed above is not logged again.
  server_.write_log.store(this, std::memory_order_release);
  return std::nullopt;
}

std::optional<std::string> Aof::LoadAll(const AofManifest& m) {
  std::vector<const AofFileInfo*> files;
  if (m.base) files.push_back(&*m.base);
  for (const auto& f : m.incrs) files.push_back(&f);
  AofLoadProgress progress;
  progress.last_log_us = MonotonicMicros();
  for (const auto* f : files) {
    int64_t size = file_io::FileSize(PathOf(f->name));
    if (size < 0) return "The AOF file " + PathOf(f->name) + " listed in the manifest is missing";
    progress.total_bytes += size;
  }
  loading_start_ms_ = UnixMillis();
  loading_total_bytes_ = progress.total_bytes;
  loading_loaded_bytes_ = 0;
  progress.loaded_bytes = &loading_loaded_bytes_;
  ClientState replay;
  replay.authenticated = true;
  replay.name = "aof-replay";
  const bool truncate_ok = server_.config.GetBool("aof-load-truncated");
  for (size_t i = 0; i < files.size(); ++i) {
    const bool last = i + 1 == files.size();
    const std::string path = PathOf(files[i]->name);
    int64_t before = file_io::FileSize(path);
    if (auto err = LoadAofFile(dispatcher_, replay, path, files[i]->name, last && truncate_ok,
                               &progress)) {
      // Truncation is acceptable only at the very end of the log (a crash mid-write); earlier,
      // something cut a file that later files build upon.
      if (!last && err->starts_with("Unexpected end of file")) {
        return "Fatal error: the truncated file " + files[i]->name +
               " is not the last file of the AOF. " + *err;
      }
      return err;
    }
    if (!last && file_io::FileSize(path) != before) {
      return "Fatal error: the AOF file " + files[i]->name + " changed while loading";
    }
  }
  if (progress.failed_commands > 0) {
    spdlog::warn("{} of {} AOF commands replied with an error while loading",
                 progress.failed_commands, progress.commands);
  }
  return std::nullopt;
}

void Aof::Shutdown() {
  if (shut_down_.exchange(true)) return;
  rewrite_abort_ = true;
  { std::unique_lock lk(rewrite_mu_); }
  if (rewriter_.joinable()) rewriter_.join();
  server_.write_log.store(nullptr, std::memory_order_release);
  {
    std::lock_guard lk(mu_);
    stop_writer_ = true;
  }
  cv_.notify_all();
  if (writer_.joinable()) writer_.join();
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

// ---- Executing threads ------------------------------------------------------------------------

void Aof::ReserveCounted(std::string* buffer, size_t need, std::atomic<int64_t>& counter) {
  const size_t old_capacity = buffer->capacity();
  if (need <= old_capacity) return;
  const size_t wanted = std::max(need, 2 * old_capacity);
  const auto old_bytes = static_cast<int64_t>(HeapBytes(*buffer));
  // Old and new storage are both live while the bytes move; the new one may be rounded up to its
  // size class (a quarter at most).
  const auto bound = static_cast<int64_t>(wanted + wanted / 4 + 4096);
  counter.fetch_add(bound, std::memory_order_relaxed);
  buffer->reserve(wanted);
  counter.fetch_add(static_cast<int64_t>(HeapBytes(*buffer)) - bound - old_bytes,
                    std::memory_order_relaxed);
}

Aof::Chunk& Aof::TailChunk() {
  if (chunks_.empty() || chunks_.back().switch_fd >= 0 || chunks_.back().close_after) {
    chunks_.emplace_back();
  }
  return chunks_.back();
}

uint64_t Aof::Append(int db, ArgList argv) {
  std::unique_lock lk(mu_);
  // Wake the writer for the first record of a batch only: waking it per command costs a thread
  // switch per write, which on 2 cores halves -P 1 throughput. Under always the held replies wake
  // it (ReadyToReply), so the clients share one fsync.
  const bool wake =
      chunks_.empty() && fsync_policy_.load(std::memory_order_relaxed) != Fsync::kAlways;
  Chunk& c = TailChunk();
  // Grown here, counted before it is allocated: maxmemory leaves the AOF's buffers out, and a
  // buffer that grew before it was counted would look like keys to evict.
  size_t record = 64;  // headers, lengths and a SELECT
  for (std::string_view a : argv) record += a.size() + 16;
  ReserveCounted(&c.data, c.data.size() + record, queued_bytes_);
  if (db != last_db_) {
    std::string n = std::to_string(db);
    AppendRespCommand(&c.data, {"SELECT", n});
    last_db_ = db;
  }
  AppendRespCommand(&c.data, argv);
  const uint64_t seq = c.last_seq = ++seq_;
  const bool notify = writer_waiting_ && wake;
  // Notified after unlocking: a writer woken while we still hold mu_ would only block on it again.
  lk.unlock();
  if (notify) cv_.notify_one();
  return seq;
}

std::optional<std::string> Aof::WriteError() const {
  if (!write_failed_.load(std::memory_order_acquire)) return std::nullopt;
  std::lock_guard lk(error_mu_);
  return error_text_;
}

bool Aof::ReadyToReply(uint64_t seq, std::function<void()> on_durable) {
#ifdef KV_FAULT_REPLY_BEFORE_FSYNC
  // Test-only fault build (CMake -DKV_FAULT_REPLY_BEFORE_FSYNC=ON): replies never wait for the
  // fsync, which tests/integration/test_aof_fsync_order.py must catch.
  return true;
#endif
  if (fsync_policy_.load(std::memory_order_relaxed) != Fsync::kAlways) return true;
  if (synced_seq_.load(std::memory_order_acquire) >= seq) return true;
  std::unique_lock lk(mu_);
  if (synced_seq_.load(std::memory_order_acquire) >= seq) return true;
  durable_waiters_.push_back({seq, std::move(on_durable)});
  const bool notify = writer_waiting_ && DurableBatchDue(std::chrono::steady_clock::now());
  lk.unlock();
  if (notify) cv_.notify_one();
  return false;
}

bool Aof::DurableBatchDue(std::chrono::steady_clock::time_point now) const {
  return !durable_waiters_.empty() &&
         (durable_waiters_.size() >= gather_.clients || now >= gather_.until);
}

void Aof::BeforeWriteLocked(size_t shard) {
  // The caller holds shard `shard`'s lock, which guards captured_[shard].
  if (captured_[shard]) return;
  std::string out;
  SerializeShardLocked(shard, &out, UnixMillis());
  captured_[shard] = 1;
  rewrite_held_bytes_.fetch_add(static_cast<int64_t>(HeapBytes(out)), std::memory_order_relaxed);
  std::lock_guard lk(capture_mu_);
  capture_outputs_.push_back(std::move(out));
}

void Aof::SerializeShardLocked(size_t shard, std::string* out, int64_t now_ms) {
  Shard& s = server_.keyspace.shard(shard);
  for (size_t db = 0; db < s.dbs.size(); ++db) {
    const DbTable& table = s.dbs[db];
    if (table.size() == 0) continue;
    std::string n = std::to_string(db);
    AppendRespCommand(out, {"SELECT", n});
    for (const EntryPtr& e : table.map()) {
      if (e->expire_at_ms != 0 && e->expire_at_ms <= now_ms) continue;
      if (!AppendEntryCommands(out, e->key(), *e)) {
        std::lock_guard lk(capture_mu_);
        capture_failed_ = true;
      }
    }
  }
}

// ---- Writer thread ----------------------------------------------------------------------------

void Aof::SetWriteError(int err, const char* what) {
  std::string text = "MISCONF Errors writing to the AOF file: " + ErrnoText(err);
  {
    std::lock_guard lk(error_mu_);
    if (!write_failed_ || error_text_ != text) {
      spdlog::warn("AOF {} error: {} (writes are refused until it succeeds again)", what,
                   ErrnoText(err));
    }
    error_text_ = std::move(text);
  }
  write_failed_.store(true, std::memory_order_release);
}

void Aof::ClearWriteError() {
  if (!write_failed_.load()) return;
  write_failed_.store(false, std::memory_order_release);
  spdlog::warn("AOF write error is solved. The server can accept writes again.");
}

bool Aof::WriteChunk(Chunk& c) {
  if (!c.data.empty()) {
    if (fd_ < 0) {
      c.data.clear();  // appendonly was switched off: nothing to write to
    } else {
      size_t written = 0;
      int err = file_io::WriteAll(fd_, c.data, &written);
      if (err != 0) {
        // Take back a partial record so the file never holds half a command in the middle; when
        // even that fails, keep what reached the file and continue from there next time.
        if (written > 0 && ::ftruncate(fd_, file_size_) != 0) {
          if (unsynced_complete_) unsynced_.append(c.data, 0, written);
          file_size_ += static_cast<int64_t>(written);
          c.data.erase(0, written);
        }
        live_size_ = file_size_;
        SetWriteError(err, "write");
        return false;
      }
      file_size_ += static_cast<int64_t>(written);
      live_size_ = file_size_;
      if (fsync_policy_ != Fsync::kNo && unsynced_complete_ &&
          unsynced_.size() + c.data.size() <= kMaxUnsyncedCopy) {
        ReserveCounted(&unsynced_, unsynced_.size() + c.data.size(), buffered_bytes_);
        unsynced_.append(c.data);
      } else {
        unsynced_complete_ = false;
        std::string().swap(unsynced_);
      }
      c.data.clear();
    }
  }
  if (c.last_seq > written_seq_.load()) written_seq_.store(c.last_seq);
  if (c.switch_fd >= 0) {
    if (fd_ >= 0) {
      if (!SyncFile()) return false;
      ::close(fd_);
      closed_incr_size_ += file_size_;
    }
    fd_ = c.switch_fd;
    c.switch_fd = -1;
    file_size_ = synced_size_ = 0;
    live_size_ = 0;
    unsynced_.clear();
    unsynced_complete_ = true;
    needs_repair_ = false;
    switches_done_.fetch_add(1);
  }
  if (c.close_after) {
    if (fd_ >= 0) {
      if (!SyncFile()) spdlog::warn("AOF: fsync failed while closing the file (appendonly no)");
      ::close(fd_);
      fd_ = -1;
    }
    c.close_after = false;
    needs_repair_ = false;
    ClearWriteError();
  }
  return true;
}

bool Aof::SyncFile() {
  if (fd_ < 0) {
    synced_seq_.store(written_seq_.load(), std::memory_order_release);
    return true;
  }
  if (needs_repair_ && !RepairUnsynced()) return false;
  sync_started_ = std::chrono::steady_clock::now();
  if (file_size_ != synced_size_ && ::fdatasync(fd_) != 0) {
    SetWriteError(errno, "fsync");
    needs_repair_ = true;
    return false;
  }
  synced_size_ = file_size_;
  unsynced_.clear();
  unsynced_complete_ = true;
  last_fsync_ms_ = UnixMillis();
  synced_seq_.store(written_seq_.load(), std::memory_order_release);
  return true;
}

bool Aof::RepairUnsynced() {
  // After a failed fsync the kernel may have marked the unwritten pages clean: write the bytes
  // since the last good fsync again from our copy, so the next fsync really covers them.
  if (!unsynced_complete_) {
    SetWriteError(EIO, "fsync (no copy of the unsynced bytes; BGREWRITEAOF to recover)");
    return false;
  }
  if (::ftruncate(fd_, synced_size_) != 0) {
    SetWriteError(errno, "ftruncate");
    return false;
  }
  file_size_ = synced_size_;
  size_t written = 0;
  int err = file_io::WriteAll(fd_, unsynced_, &written);
  file_size_ += static_cast<int64_t>(written);
  live_size_ = file_size_;
  if (err != 0) {
    SetWriteError(err, "write");
    return false;
  }
  needs_repair_ = false;
  return true;
}

void Aof::WaitForBatch(std::unique_lock<std::mutex>& lk) {
  const auto tick_end = std::chrono::steady_clock::now() + std::chrono::milliseconds(kTickMs);
  while (!stop_writer_ && !fsync_requested_) {
    auto wake_at = tick_end;
    if (fsync_policy_.load(std::memory_order_relaxed) == Fsync::kAlways) {
      const auto now = std::chrono::steady_clock::now();
      if (DurableBatchDue(now)) return;
      // The gathering deadline needs no notify: ReadyToReply only wakes us when the batch is due.
      if (now < gather_.until) wake_at = std::min(wake_at, gather_.until);
    } else if (!chunks_.empty()) {
      return;
    }
    if (cv_.wait_until(lk, wake_at) == std::cv_status::timeout && wake_at == tick_end) return;
  }
}

void Aof::ReleaseDurable(uint64_t synced_before) {
  std::vector<DurableWaiter> ready;
  {
    std::lock_guard lk(mu_);
    if (synced_seq_.load() != synced_before) {
      // Group commit with closed-loop clients: those released now come back within a reply's
      // round trip. Starting the next fsync at once would leave them to the one after, and the
      // clients would settle into two groups taking turns, each fsync serving half of them (twice
      // the fsyncs of Redis, whose single thread cannot start the next fsync early). So the next
      // fsync waits for every client active in this one (released now or already waiting again),
      // for no longer than this fsync took.
      auto now = std::chrono::steady_clock::now();
      gather_.clients = durable_waiters_.size();
      gather_.until =
          now + std::min<std::chrono::steady_clock::duration>(now - sync_started_, kMaxGather);
    }
    if (durable_waiters_.empty()) return;
    uint64_t synced = synced_seq_.load();
    bool all = fd_ < 0 && state_ == State::kOff;  // appendonly switched off: nothing to wait for
    auto it = std::partition(durable_waiters_.begin(), durable_waiters_.end(),
                             [&](const DurableWaiter& w) { return !all && w.seq > synced; });
    std::move(it, durable_waiters_.end(), std::back_inserter(ready));
    durable_waiters_.erase(it, durable_waiters_.end());
  }
  for (auto& w : ready) w.cb();
}

void Aof::ServeFsyncWaiters(int64_t now_ms, bool force_all) {
  std::vector<std::pair<std::function<void(bool)>, bool>> ready;
  {
    std::lock_guard lk(mu_);
    if (fsync_waiters_.empty()) return;
    uint64_t synced = synced_seq_.load();
    bool on = state_ != State::kOff;
    for (size_t i = 0; i < fsync_waiters_.size();) {
      FsyncWaiter& w = fsync_waiters_[i];
      bool local = on && synced >= w.seq;
      bool expired = w.deadline_ms != 0 && now_ms >= w.deadline_ms;
      if (force_all || expired || (local && !w.until_deadline)) {
        ready.emplace_back(std::move(w.done), local);
        fsync_waiters_[i] = std::move(fsync_waiters_.back());
        fsync_waiters_.pop_back();
      } else {
        ++i;
      }
    }
  }
  for (auto& [done, local] : ready) done(local);
}

void Aof::WriterLoop() {
  int64_t last_cron_ms = 0;
  while (true) {
    bool stop;
    bool fsync_asked;
    bool want_durable;
    {
      std::unique_lock lk(mu_);
      writer_waiting_ = true;
      WaitForBatch(lk);
      if (fsync_policy_.load(std::memory_order_relaxed) != Fsync::kAlways && !chunks_.empty()) {
        // everysec/no: let a batch gather for a moment (the lock is released meanwhile), so one
        // write(2) carries many commands. No reply waits for this.
        cv_.wait_for(lk, std::chrono::milliseconds(kBatchGatherMs),
                     [this] { return stop_writer_ || fsync_requested_; });
      }
      writer_waiting_ = false;
      for (auto& c : chunks_) backlog_.push_back(std::move(c));
      chunks_.clear();
      PublishBuffered();
      queued_bytes_.store(0, std::memory_order_relaxed);
      stop = stop_writer_;
      fsync_asked = fsync_requested_ || !fsync_waiters_.empty();
      fsync_requested_ = false;
      want_durable = !durable_waiters_.empty();
    }
    const int64_t now = UnixMillis();
    const uint64_t synced_before = synced_seq_.load();
    const bool retry_due = !write_failed_.load() || now >= retry_at_ms_ || stop;
    if (retry_due) {
      bool ok = true;
      size_t done = 0;
      while (ok && done < backlog_.size()) {
        ok = WriteChunk(backlog_[done]);
        if (ok) ++done;
      }
      backlog_.erase(backlog_.begin(), backlog_.begin() + static_cast<std::ptrdiff_t>(done));
      if (ok) {
        Fsync policy = fsync_policy_.load();
        bool dirty =
            file_size_ != synced_size_ || needs_repair_ || written_seq_.load() > synced_seq_.load();
        bool sync = dirty && (policy == Fsync::kAlways || want_durable || fsync_asked || stop ||
                              (policy == Fsync::kEverySec && now - last_fsync_ms_ >= 1000));
        if (sync) ok = SyncFile();
      }
      if (ok) {
        ClearWriteError();
      } else {
        retry_at_ms_ = now + kRetryAfterErrorMs;
      }
    }
    PublishBuffered();
    ReleaseDurable(synced_before);
    ServeFsyncWaiters(now, stop);
    if (stop) break;
    if (now - last_cron_ms >= kTickMs) {
      last_cron_ms = now;
      Cron(now);
    }
  }
}

void Aof::PublishBuffered() {
  size_t held = HeapBytes(unsynced_);
  for (const Chunk& c : backlog_) held += HeapBytes(c.data);
  buffered_bytes_.store(static_cast<int64_t>(held), std::memory_order_relaxed);
}

void Aof::Cron(int64_t now_ms) {
  if (shut_down_) return;
  {
    std::lock_guard lk(rewrite_mu_);
    if (rewrite_running_) return;
  }
  if (enable_scheduled_ && state_ == State::kEnabling && now_ms >= rewrite_retry_at_ms_) {
    StartRewrite(RewriteTrigger::kAuto);
    return;
  }
  if (state_ != State::kOn) return;
  int64_t perc = server_.config.GetInt("auto-aof-rewrite-percentage");
  int64_t min_size = server_.config.GetInt("auto-aof-rewrite-min-size");
  int64_t size = CurrentSize();
  if (perc <= 0 || size < min_size || now_ms < rewrite_retry_at_ms_) return;
  int64_t base = std::max<int64_t>(rewrite_base_size_.load(), 1);
  if ((size - base) * 100 / base >= perc) {
    spdlog::info("Starting automatic rewriting of AOF on {}% growth", (size - base) * 100 / base);
    StartRewrite(RewriteTrigger::kAuto);
  }
}

// ---- Control ---------------------------------------------------------------------------------

bool Aof::enabled() const { return state_.load() != State::kOff; }

void Aof::OnFsyncChange(const std::string& v) {
  fsync_policy_ = v == "always" ? Fsync::kAlways : v == "no" ? Fsync::kNo : Fsync::kEverySec;
  cv_.notify_all();
}

void Aof::OnAppendOnlyChange(bool on) {
  // Runs on the thread of CONFIG SET, which holds no shard lock; only memory is touched here.
  if (on) {
    State expected = State::kOff;
    if (state_.compare_exchange_strong(expected, State::kEnabling)) {
      spdlog::info("AOF enabled: a rewrite will create the base file");
      rewrite_retry_at_ms_ = 0;
      enable_scheduled_ = true;
      cv_.notify_all();
    }
    return;
  }
  if (state_.load() == State::kOff) return;
  enable_scheduled_ = false;
  rewrite_abort_ = true;
  {
    // Under all shard locks no command is between executing and logging: every write executed
    // before this point is queued, none after it will be. (Inside EXEC they are held already.)
    ShardLocks all = ShardLocks::AllUnlessHeld(server_.keyspace);
    server_.write_log.store(nullptr, std::memory_order_release);
    capturing_ = false;
    state_ = State::kOff;
    std::lock_guard lk(mu_);
    Chunk c;
    c.close_after = true;
    chunks_.push_back(std::move(c));
    last_db_ = -1;
  }
  cv_.notify_all();
  spdlog::info("AOF disabled (appendonly no)");
}

std::optional<std::string> Aof::StartRewrite(RewriteTrigger trigger) {
  if (trigger == RewriteTrigger::kAdmin && state_.load() == State::kOff) {
    return std::string("ERR AOF is disabled (appendonly no)");
  }
  std::lock_guard lk(rewrite_mu_);
  if (shut_down_) return std::string("ERR the server is shutting down");
  if (rewrite_running_) {
    return std::string("ERR Background append only file rewriting already in progress");
  }
  State st = state_.load();
  RewriteMode mode = st == State::kOn         ? RewriteMode::kWithIncr
                     : st == State::kEnabling ? RewriteMode::kEnabling
                                              : RewriteMode::kOffline;
  if (rewriter_.joinable()) rewriter_.join();  // the previous one has finished
  rewrite_running_ = true;
  rewrite_in_progress_ = true;
  rewrite_abort_ = false;
  rewrite_started_ms_ = UnixMillis();
  rewriter_ = std::thread([this, mode] {
    SetThreadName("kv-aof-rewrite");
    RewriteMain(mode);
  });
  return std::nullopt;
}

bool Aof::WaitForRewrite() {
  std::unique_lock lk(rewrite_mu_);
  rewrite_cv_.wait(lk, [this] { return !rewrite_running_; });
  return last_rewrite_ok_;
}

void Aof::WaitFsynced(uint64_t seq, int64_t wait_deadline_ms, bool until_deadline,
                      std::function<void(bool)> done) {
  {
    std::lock_guard lk(mu_);
    fsync_waiters_.push_back({seq, wait_deadline_ms, until_deadline, std::move(done)});
    fsync_requested_ = true;
  }
  cv_.notify_all();
}

void Aof::AppendPersistenceInfo(std::string* out) const {
  const int64_t now = UnixMillis();
  // Redis turns the AOF on before loading it, so INFO says aof_enabled:1 during the load too.
  const bool on = enabled() || (server_.loading.load(std::memory_order_relaxed) &&
                                server_.config.GetBool("appendonly"));
  const bool running = rewrite_in_progress_.load();
  auto line = [out](std::string_view k, auto v) {
    out->append(k);
    out->push_back(':');
    out->append(fmt::format("{}", v));
    out->append("\r\n");
  };
  line("aof_enabled", on ? 1 : 0);
  line("aof_rewrite_in_progress", running ? 1 : 0);
  line("aof_rewrite_scheduled", enable_scheduled_.load() && !running ? 1 : 0);
  line("aof_last_rewrite_time_sec", last_rewrite_ms_.load() < 0 ? -1 : last_rewrite_ms_ / 1000);
  line("aof_current_rewrite_time_sec",
       running ? (now - rewrite_started_ms_.load()) / 1000 : int64_t{-1});
  line("aof_last_bgrewrite_status", last_bgrewrite_ok_.load() ? "ok" : "err");
  line("aof_rewrites", rewrites_.load());
  line("aof_last_write_status", write_failed_.load() ? "err" : "ok");
  line("aof_last_cow_size", 0);
  if (on) {
    line("aof_current_size", CurrentSize());
    line("aof_base_size", rewrite_base_size_.load());
    line("aof_pending_rewrite", 0);
    line("aof_buffer_length", 0);
    line("aof_pending_bio_fsync", 0);
    line("aof_delayed_fsync", 0);
  }
  if (server_.loading.load(std::memory_order_relaxed)) {
    // Redis 7 ends the section with these while it loads (rdb_used_mem: no RDB here).
    const int64_t start_ms = loading_start_ms_.load();
    const int64_t total = loading_total_bytes_.load();
    const int64_t loaded = std::min(loading_loaded_bytes_.load(), total);
    const int64_t elapsed_ms = start_ms > 0 ? now - start_ms : 0;
    line("loading_start_time", start_ms / 1000);
    line("loading_total_bytes", total);
    line("loading_rdb_used_mem", 0);
    line("loading_loaded_bytes", loaded);
    line("loading_loaded_perc",
         fmt::format(
             "{:.2f}",
             total > 0 ? 100.0 * static_cast<double>(loaded) / static_cast<double>(total) : 0.0));
    // As Redis: remaining bytes at the average speed so far, 1 before anything is known.
    line("loading_eta_seconds",
         loaded > 0 && elapsed_ms > 0 ? (total - loaded) * elapsed_ms / loaded / 1000 : 1);
  }
}

}  // namespace kv
