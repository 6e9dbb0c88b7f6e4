#include "server/db/keyspace.h"

#include <algorithm>
#include <utility>

namespace kv {

Keyspace::Keyspace(size_t num_dbs, size_t num_shards) : num_dbs_(num_dbs) {
  shards_.reserve(num_shards);
  for (size_t i = 0; i < num_shards; ++i) {
    auto shard = std::make_unique<Shard>();
    shard->dbs.resize(num_dbs);
    for (DbTable& db : shard->dbs) db.set_access(&access_);
    shards_.push_back(std::move(shard));
  }
}

size_t Keyspace::ShardIndex(std::string_view key) const {
  // The high bits pick the shard: the table inside the shard uses the low bits of the same hash
  // (its H2 tag is the low 7 bits), which must stay spread out within one shard.
  return static_cast<size_t>(((HashKey(key) >> 32) * shards_.size()) >> 32);
}

size_t Keyspace::KeyCount(size_t db) {
  size_t n = 0;
  for (auto& s : shards_) {
    std::lock_guard lock(s->mu);
    n += s->dbs[db].size();
  }
  return n;
}

size_t Keyspace::KeyCountLocked(size_t db) const {
  size_t n = 0;
  for (const auto& s : shards_) n += s->dbs[db].size();
  return n;
}

size_t Keyspace::ExpiresCountLocked(size_t db) const {
  size_t n = 0;
  for (const auto& s : shards_) n += s->dbs[db].expires_size();
  return n;
}

size_t Keyspace::ActiveExpireCycle(int64_t now_ms, size_t max_keys) {
  size_t n = 0;
  for (auto& s : shards_) {
    std::lock_guard lock(s->mu);
    for (auto& db : s->dbs) n += db.ActiveExpire(now_ms, max_keys);
  }
  return n;
}

void Keyspace::EnableSketches(bool on) {
  // CONFIG SET maxmemory-policy may run inside EXEC, which holds every lock already.
  ShardLocks locks = ShardLocks::AllUnlessHeld(*this);
  for (auto& s : shards_) {
    for (auto& db : s->dbs) db.EnableSketch(on);
  }
}

ShardLocks::ShardLocks(Keyspace& ks, std::vector<size_t> shard_ids) {
  std::sort(shard_ids.begin(), shard_ids.end());
  shard_ids.erase(std::unique(shard_ids.begin(), shard_ids.end()), shard_ids.end());
  locks_.reserve(shard_ids.size());
  for (size_t id : shard_ids) locks_.emplace_back(ks.shard(id).mu);
}

ShardLocks ShardLocks::All(Keyspace& ks) {
  ShardLocks l;
  l.locks_.reserve(ks.num_shards());
  for (size_t i = 0; i < ks.num_shards(); ++i) l.locks_.emplace_back(ks.shard(i).mu);
  l.all_of_ = &ks;
  ks.all_locked_by_.store(std::this_thread::get_id(), std::memory_order_relaxed);
  return l;
}

ShardLocks ShardLocks::AllUnlessHeld(Keyspace& ks) {
  // Only this thread can have stored its own id, so the relaxed read cannot see it by mistake.
  if (ks.all_locked_by_.load(std::memory_order_relaxed) == std::this_thread::get_id()) return {};
  return All(ks);
}

ShardLocks::ShardLocks(ShardLocks&& other) noexcept
    : locks_(std::move(other.locks_)), all_of_(std::exchange(other.all_of_, nullptr)) {}

ShardLocks& ShardLocks::operator=(ShardLocks&& other) noexcept {
  if (this != &other) {
    Release();
    locks_ = std::move(other.locks_);
    all_of_ = std::exchange(other.all_of_, nullptr);
  }
  return *this;
}

ShardLocks::~ShardLocks() { Release(); }

void ShardLocks::Release() {
  // Forget the owner before unlocking: the next owner stores its id after it locked them all.
  if (all_of_ != nullptr) all_of_->all_locked_by_.store(std::thread::id{}, std::memory_order_relaxed);
  all_of_ = nullptr;
  locks_.clear();
}

}  // namespace kv
