// The background rewrite of Aof (see the design notes in aof.h).

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <thread>

#include "server/aof/aof.h"
#include "server/base/file_util.h"
#include "server/base/heap_bytes.h"
#include "server/base/clock.h"

namespace kv {
namespace {

// After a failed rewrite the automatic trigger (and an enabling retry) waits this long.
constexpr int64_t kEnableRetryMsForRewrite = 5000;

// A buffer whose capacity is counted in `counter` (maxmemory leaves the rewrite's buffers out):
// freed first and uncounted after, since the other order would count freed bytes as keys.
struct CountedBuffer {
  explicit CountedBuffer(std::atomic<int64_t>& c) : counter(c) {}
  CountedBuffer(const CountedBuffer&) = delete;
  CountedBuffer& operator=(const CountedBuffer&) = delete;
  ~CountedBuffer() {
    std::string().swap(data);
    counter.fetch_sub(counted, std::memory_order_relaxed);
  }
  // After data grew: counts its new capacity.
  void Recount() {
    const auto capacity = static_cast<int64_t>(HeapBytes(data));
    counter.fetch_add(capacity - counted, std::memory_order_relaxed);
    counted = capacity;
  }

  std::atomic<int64_t>& counter;
  std::string data;
  int64_t counted = 0;
};

}  // namespace

bool Aof::PersistManifest(const AofManifest& m, std::string* error) {
  int rc = file_io::WriteFileAtomic(
      aof_dir(), ManifestFileName(server_.config.Get("appendfilename")), FormatManifest(m));
  if (rc != 0) *error = std::string("can't persist the AOF manifest: ") + std::strerror(rc);
  return rc == 0;
}

bool Aof::WriteCaptured(int fd, std::string* error) {
  std::vector<std::string> outputs;
  {
    std::lock_guard lk(capture_mu_);
    outputs.swap(capture_outputs_);
  }
  int64_t held = 0;
  for (const auto& out : outputs) held += static_cast<int64_t>(HeapBytes(out));
  bool ok = true;
  for (const auto& out : outputs) {
    size_t written = 0;
    if (int rc = file_io::WriteAll(fd, out, &written)) {
      *error = std::string("can't write the new base file: ") + std::strerror(rc);
      ok = false;
      break;
    }
  }
  // Released first, uncounted after: the other order would count freed bytes as keys.
  outputs.clear();
  outputs.shrink_to_fit();
  rewrite_held_bytes_.fetch_sub(held, std::memory_order_relaxed);
  return ok;
}

void Aof::RewriteMain(RewriteMode mode) {
  const int64_t t0 = UnixMillis();
  std::string error;
  bool ok = RewriteBody(mode, &error);
  const int64_t took = UnixMillis() - t0;
  if (ok) {
    spdlog::info("Background AOF rewrite finished successfully in {} ms (base {} bytes)", took,
                 base_size_.load());
    if (mode == RewriteMode::kEnabling) {
      State expected = State::kEnabling;
      if (state_.compare_exchange_strong(expected, State::kOn)) enable_scheduled_ = false;
    }
  } else {
    spdlog::warn("Background AOF rewrite failed: {}", error);
    rewrite_retry_at_ms_ = UnixMillis() + kEnableRetryMsForRewrite;
  }
  last_bgrewrite_ok_ = ok;
  if (ok) rewrites_.fetch_add(1);
  last_rewrite_ms_ = took;
  std::lock_guard lk(rewrite_mu_);
  rewrite_running_ = false;
  rewrite_in_progress_ = false;
  last_rewrite_ok_ = ok;
  rewrite_cv_.notify_all();
}

bool Aof::RewriteBody(RewriteMode mode, std::string* error) {
  const std::string dir = aof_dir();
  const std::string name = server_.config.Get("appendfilename");
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    *error = "can't create " + dir + ": " + ec.message();
    return false;
  }
  AofManifest old;
  {
    std::lock_guard lk(manifest_mu_);
    if (have_manifest_) old = manifest_;
  }
  if (!have_manifest_) {
    // appendonly was off at start-up: files of an earlier run may be there; never reuse names.
    std::string text, err;
    if (file_io::ReadFile(PathOf(ManifestFileName(name)), &text)) {
      if (auto parsed = ParseManifest(text, &err)) old = *parsed;
    }
  }
  const int64_t base_seq = old.next_base_seq();
  const std::string temp_path = PathOf("temp-rewrite-" + std::to_string(base_seq) + ".aof");
  int fd = ::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    *error = "can't create " + temp_path + ": " + std::strerror(errno);
    return false;
  }
  bool added_incr = false;
  AofFileInfo new_incr;
  int incr_fd = -1;
  auto fail = [&](std::string msg) {
    capturing_ = false;
    if (fd >= 0) ::close(fd);
    ::unlink(temp_path.c_str());
    // A new incremental file already in the manifest stays: it is the live file now. One made
    // for enabling the AOF is listed nowhere and is dropped (the retry makes another).
    if (mode == RewriteMode::kEnabling && !new_incr.name.empty()) {
      ::unlink(PathOf(new_incr.name).c_str());
    }
    if (incr_fd >= 0 && !added_incr && mode != RewriteMode::kEnabling) ::close(incr_fd);
    *error = std::move(msg);
    return false;
  };

  if (mode != RewriteMode::kOffline) {
    // Create the next incremental file before the cut, so the writer's switch costs nothing.
    new_incr = {IncrFileName(name, old.next_incr_seq()), old.next_incr_seq(),
                AofFileInfo::Type::kIncr};
    incr_fd = ::open(PathOf(new_incr.name).c_str(),
                     O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
    if (incr_fd < 0) {
      std::string msg = "can't create " + new_incr.name + ": " + std::strerror(errno);
      new_incr.name.clear();
      return fail(msg);
    }
    if (mode == RewriteMode::kWithIncr) {
      // List it before anything is written to it: a crash from here on replays old base, old
      // incrementals and this one, which is exactly the log.
      std::lock_guard lk(manifest_mu_);
      AofManifest m = manifest_;
      m.incrs.push_back(new_incr);
      std::string err;
      if (!PersistManifest(m, &err)) {
        ::close(incr_fd);
        ::unlink(PathOf(new_incr.name).c_str());
        incr_fd = -1;
        new_incr.name.clear();
        return fail(err);
      }
      manifest_ = m;
      added_incr = true;
    } else {
      file_io::FsyncDir(dir);
    }
  }

  // The cut. Under all shard locks no command is running: the keyspace now is what the new base
  // will hold, and every later write goes to the new incremental file.
  const uint64_t switches_before = switches_done_.load();
  {
    ShardLocks all = ShardLocks::All(server_.keyspace);
    if (mode == RewriteMode::kEnabling && (state_.load() != State::kEnabling || rewrite_abort_)) {
      ::close(incr_fd);
      return fail("appendonly was switched off");
    }
    std::fill(captured_.begin(), captured_.end(), 0);
    {
      std::lock_guard lk(capture_mu_);
      int64_t left = 0;  // by a failed rewrite
      for (const auto& o : capture_outputs_) left += static_cast<int64_t>(HeapBytes(o));
      capture_outputs_.clear();
      rewrite_held_bytes_.fetch_sub(left, std::memory_order_relaxed);
      capture_failed_ = false;
    }
    if (mode != RewriteMode::kOffline) {
      std::lock_guard lk(mu_);
      Chunk c;
      c.switch_fd = incr_fd;
      chunks_.push_back(std::move(c));
      last_db_ = -1;
      added_incr = true;  // the writer owns incr_fd now
      if (mode == RewriteMode::kEnabling) server_.write_log.store(this, std::memory_order_release);
      capturing_ = true;
    }
  }
  cv_.notify_all();

  // Shard by shard, each under its own lock only while it is serialised.
  Keyspace& ks = server_.keyspace;
  CountedBuffer counted_out(rewrite_held_bytes_);
  std::string& out = counted_out.data;
  for (size_t i = 0; i < ks.num_shards(); ++i) {
    if (rewrite_abort_) return fail("aborted");
    out.clear();
    {
      std::lock_guard lk(ks.shard(i).mu);
      if (!captured_[i]) {
        SerializeShardLocked(i, &out, UnixMillis());
        captured_[i] = 1;
      }
    }
    counted_out.Recount();
    size_t written = 0;
    if (int rc = file_io::WriteAll(fd, out, &written)) {
      return fail(std::string("can't write the new base file: ") + std::strerror(rc));
    }
    if (!WriteCaptured(fd, error)) return fail(*error);
  }
  capturing_ = false;
  if (!WriteCaptured(fd, error)) return fail(*error);
  {
    std::lock_guard lk(capture_mu_);
    if (capture_failed_) {
      return fail("a value could not be serialised (sorted sets need the real ZSet type)");
    }
  }
  if (::fsync(fd) != 0) return fail(std::string("fsync of the new base: ") + std::strerror(errno));
  int64_t new_base_size = file_io::FileSize(temp_path);
  ::close(fd);
  fd = -1;

  // The old files may go only once the writer has left them (it may still hold records from
  // before the cut, all of which are in the new base).
  if (mode != RewriteMode::kOffline) {
    while (switches_done_.load() == switches_before) {
      if (rewrite_abort_) return fail("aborted");
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

  AofFileInfo base{BaseFileName(name, base_seq), base_seq, AofFileInfo::Type::kBase};
  if (::rename(temp_path.c_str(), PathOf(base.name).c_str()) != 0) {
    return fail(std::string("can't rename the new base: ") + std::strerror(errno));
  }
  // The base's name must be durable before a manifest that names it.
  file_io::FsyncDir(dir);
  std::vector<std::string> obsolete;
  {
    std::lock_guard lk(manifest_mu_);
    AofManifest nm;
    nm.base = base;
    const AofManifest& cur = have_manifest_ ? manifest_ : old;
    if (mode != RewriteMode::kOffline) {
      for (const auto& f : cur.incrs) {
        if (f.seq >= new_incr.seq) nm.incrs.push_back(f);
      }
      if (mode == RewriteMode::kEnabling) nm.incrs = {new_incr};
    }
    if (cur.base) obsolete.push_back(cur.base->name);
    for (const auto& f : cur.incrs) {
      if (mode == RewriteMode::kOffline || f.seq < new_incr.seq) obsolete.push_back(f.name);
    }
    for (const auto& f : cur.history) obsolete.push_back(f.name);
    if (mode == RewriteMode::kEnabling) {
      // The old manifest's files were written by an earlier run: all obsolete.
      obsolete.clear();
      if (old.base) obsolete.push_back(old.base->name);
      for (const auto& f : old.incrs) obsolete.push_back(f.name);
      for (const auto& f : old.history) obsolete.push_back(f.name);
    }
    std::string err;
    if (!PersistManifest(nm, &err)) {
      ::unlink(PathOf(base.name).c_str());
      return fail(err);
    }
    manifest_ = nm;
    have_manifest_ = mode != RewriteMode::kOffline || have_manifest_;
    if (mode == RewriteMode::kOffline && state_.load() == State::kOff) have_manifest_ = false;
  }
  for (const auto& f : obsolete) {
    if (f != base.name && (new_incr.name.empty() || f != new_incr.name)) {
      ::unlink(PathOf(f).c_str());
    }
  }
  file_io::FsyncDir(dir);
  base_size_ = new_base_size;
  if (mode != RewriteMode::kOffline) closed_incr_size_ = 0;
  rewrite_base_size_ = CurrentSize();
  return true;
}

}  // namespace kv
