#include "server/db/keyspace.h"

#include <algorithm>
#include <utility>

namespace kv {

Keyspace::Keyspace(size_t num_dbs, size_t num_shards) : num_dbs_(num_dbs) {
  num_shards = std::clamp<size_t>(num_shards, 1, kNumSlots);
  shards_.reserve(num_shards);
  for (size_t i = 0; i < num_shards; ++i) {
    auto shard = std::make_unique<Shard>();
    shard->dbs.reserve(num_dbs);
    for (size_t db = 0; db < num_dbs; ++db) shard->dbs.emplace_back(&slot_keys_).set_access(&access_);
    shards_.push_back(std::move(shard));
  }
}

SlotRange Keyspace::SlotsOfShard(size_t shard) const {
  // The inverse of ShardOfSlot: the first slot s with s·N/16384 >= shard, rounded up.
  const size_t n = shards_.size();
  auto first_of = [n](size_t i) { return static_cast<uint16_t>((i * kNumSlots + n - 1) / n); };
  return {first_of(shard), first_of(shard + 1)};
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

std::vector<std::string> Keyspace::GetKeysInSlot(size_t db, uint16_t slot, size_t count) {
  std::vector<std::string> keys;
  const size_t shard = ShardOfSlot(slot);
  ShardLocks lock = ShardLocks::OneUnlessAllHeld(*this, shard);
  for (const EntryPtr& e : shards_[shard]->dbs[db].map()) {
    if (keys.size() >= count) break;
    if (e->slot() == slot) keys.emplace_back(e->key());
  }
  return keys;
}

uint64_t Keyspace::SlotPayloadBytes(uint16_t slot) {
  const size_t shard = ShardOfSlot(slot);
  return PayloadBytesBySlot(shard)[slot - SlotsOfShard(shard).first];
}

std::vector<uint64_t> Keyspace::PayloadBytesBySlot(size_t shard) {
  const SlotRange range = SlotsOfShard(shard);
  std::vector<uint64_t> bytes(range.end - range.first);
  ShardLocks lock = ShardLocks::OneUnlessAllHeld(*this, shard);
  for (const DbTable& table : shards_[shard]->dbs) {
    for (const EntryPtr& e : table.map()) bytes[e->slot() - range.first] += e->MemoryUsage();
  }
  return bytes;
}

ShardLocks::ShardLocks(Keyspace& ks, ShardIdVec shard_ids) {
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

bool ShardLocks::AllHeldByThisThread(const Keyspace& ks) {
  // Only this thread can have stored its own id, so the relaxed read cannot see it by mistake.
  return ks.all_locked_by_.load(std::memory_order_relaxed) == std::this_thread::get_id();
}

ShardLocks ShardLocks::AllUnlessHeld(Keyspace& ks) {
  if (AllHeldByThisThread(ks)) return {};
  return All(ks);
}

ShardLocks ShardLocks::OneUnlessAllHeld(Keyspace& ks, size_t shard) {
  if (AllHeldByThisThread(ks)) return {};
  ShardLocks l;
  l.locks_.emplace_back(ks.shard(shard).mu);
  return l;
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
