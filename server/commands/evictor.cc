#include "server/commands/evictor.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <memory>

#include "server/base/clock.h"
#include "server/base/string_util.h"
#include "server/commands/lazy_free.h"
#include "server/commands/server_state.h"

namespace kv {

namespace {

constexpr std::array<std::pair<std::string_view, EvictionPolicy>, 9> kPolicyNames = {{
    {"noeviction", EvictionPolicy::kNoEviction},
    {"allkeys-lru", EvictionPolicy::kAllKeysLru},
    {"allkeys-lfu", EvictionPolicy::kAllKeysLfu},
    {"allkeys-random", EvictionPolicy::kAllKeysRandom},
    {"volatile-lru", EvictionPolicy::kVolatileLru},
    {"volatile-lfu", EvictionPolicy::kVolatileLfu},
    {"volatile-random", EvictionPolicy::kVolatileRandom},
    {"volatile-ttl", EvictionPolicy::kVolatileTtl},
    {"allkeys-tinylfu", EvictionPolicy::kAllKeysTinyLfu},
}};

bool IsVolatile(EvictionPolicy p) {
  return p == EvictionPolicy::kVolatileLru || p == EvictionPolicy::kVolatileLfu ||
         p == EvictionPolicy::kVolatileRandom || p == EvictionPolicy::kVolatileTtl;
}

bool IsRandom(EvictionPolicy p) {
  return p == EvictionPolicy::kAllKeysRandom || p == EvictionPolicy::kVolatileRandom;
}

bool IsLfu(EvictionPolicy p) {
  return p == EvictionPolicy::kAllKeysLfu || p == EvictionPolicy::kVolatileLfu;
}

// What deleting `e` gives back, for the meter until its next refresh: the entry's block, the value's
// heap, the table slot and the deadline index node (approximations; the refresh corrects them).
int64_t EstimatedBytes(const Entry& e) {
  size_t bytes = ((e.BlockSize() + 15) & ~size_t{15}) + e.value.MemoryUsage() + 16;
  if (e.expire_at_ms != 0) bytes += 32;
  return static_cast<int64_t>(bytes);
}

}  // namespace

std::optional<EvictionPolicy> ParseEvictionPolicy(std::string_view name) {
  for (const auto& [n, p] : kPolicyNames) {
    if (n == name) return p;
  }
  return std::nullopt;
}

int64_t NotCountedByMaxmemory(const ServerState& server) {
  // As Redis's freeMemoryGetNotCountedMemory.
  return server.aof != nullptr ? server.aof->buffered_bytes() : 0;
}

Evictor::Evictor(ServerState& server)
    : server_(server),
      meter_([&server] { return NotCountedByMaxmemory(server); }) {
  Config& cfg = server.config;
  maxmemory_ = cfg.GetInt("maxmemory");
  samples_ = static_cast<int>(cfg.GetInt("maxmemory-samples"));
  tenacity_ = static_cast<int>(cfg.GetInt("maxmemory-eviction-tenacity"));
  AccessTracker& access = server.keyspace.access();
  access.set_lfu_log_factor(static_cast<int>(cfg.GetInt("lfu-log-factor")));
  access.set_lfu_decay_time(static_cast<int>(cfg.GetInt("lfu-decay-time")));
  ApplyPolicy(ParseEvictionPolicy(cfg.Get("maxmemory-policy")).value_or(EvictionPolicy::kNoEviction));
  pool_.reserve(kPoolSize + 1);
}

void Evictor::ApplyPolicy(EvictionPolicy p) {
  policy_ = p;
  policy_epoch_.fetch_add(1, std::memory_order_relaxed);
  server_.keyspace.access().set_mode(IsLfu(p) ? AccessMode::kLfu : AccessMode::kLru);
  server_.keyspace.EnableSketches(p == EvictionPolicy::kAllKeysTinyLfu);
}

uint64_t Evictor::TimeLimitMicros() const {
  // Redis's evictionTimeLimitUs: 0..500 us linearly up to tenacity 10, then +15% per step, and no
  // limit at 100.
  const int t = tenacity_.load(std::memory_order_relaxed);
  if (t <= 10) return 50ULL * static_cast<uint64_t>(t);
  if (t < 100) return static_cast<uint64_t>(500.0 * std::pow(1.15, t - 10.0));
  return std::numeric_limits<uint64_t>::max();
}

Evictor::Result Evictor::MakeRoom(int64_t now_ms) {
  const int64_t limit = maxmemory_.load(std::memory_order_relaxed);
  if (limit == 0) return Result::kOk;
  const int64_t used = meter_.Used(now_ms);
  if (used <= limit) return Result::kOk;
  if (policy_.load(std::memory_order_relaxed) == EvictionPolicy::kNoEviction) return Result::kFail;
  // Another thread is evicting already: its work counts for this command too.
  std::unique_lock lock(mu_, std::try_to_lock);
  if (!lock.owns_lock()) return Result::kRunning;

  if (const uint64_t epoch = policy_epoch_.load(std::memory_order_relaxed); epoch != pool_epoch_) {
    pool_.clear();  // scores of another policy do not compare
    pool_epoch_ = epoch;
  }
  const int64_t start_us = MonotonicMicros();
  const uint64_t budget_us = TimeLimitMicros();
  int64_t freed = 0;
  Result result = Result::kOk;
  for (size_t n = 1; used - freed > limit; ++n) {
    std::optional<int64_t> bytes = EvictOne(now_ms);
    if (!bytes) {
      result = Result::kFail;
      break;
    }
    freed += *bytes;
    // Checked every 16 keys, as Redis does: reading the clock per key would cost more.
    if (n % 16 == 0 && static_cast<uint64_t>(MonotonicMicros() - start_us) >= budget_us) {
      result = Result::kRunning;
      break;
    }
  }
  meter_.NoteFreed(freed);
  if (freed > 0) MemoryMeter::FlushThreadCache();
  return result;
}

std::optional<int64_t> Evictor::EvictOne(int64_t now_ms) {
  const EvictionPolicy policy = policy_.load(std::memory_order_relaxed);
  const size_t shards = server_.keyspace.num_shards();
  if (IsRandom(policy)) {
    // The next shard with a key: one sweep over the shards finds nothing before giving up.
    std::vector<Candidate> picked;
    for (size_t tries = 0; tries < shards; ++tries) {
      picked.clear();
      if (SampleNextShard(&picked) == 0) continue;
      if (auto bytes = Evict(picked.front(), now_ms)) return bytes;
    }
    return std::nullopt;
  }
  // A round samples maxmemory-samples keys, from as many shards as it takes (a small keyspace
  // spreads thin over 64 shards), then evicts the best candidate of the pool. A pooled key that
  // went away meanwhile costs another round.
  const size_t samples = SamplesPerRound();
  for (size_t round = 0; round <= shards; ++round) {
    size_t sampled = 0;
    for (size_t visited = 0; visited < shards && sampled < samples; ++visited) {
      sampled += SampleNextShard(nullptr);
    }
    while (!pool_.empty()) {
      Candidate best = std::move(pool_.back());
      pool_.pop_back();
      if (auto bytes = Evict(best, now_ms)) return bytes;
    }
    if (sampled == 0) break;  // nothing (volatile) left anywhere
  }
  return std::nullopt;
}

size_t Evictor::SamplesPerRound() const {
  // maxmemory-samples takes Redis's range (up to INT_MAX); more than kMaxSamples per round would
  // only make one command's eviction slower.
  return std::min<size_t>(static_cast<size_t>(samples_.load(std::memory_order_relaxed)), kMaxSamples);
}

size_t Evictor::SampleNextShard(std::vector<Candidate>* picked) {
  const EvictionPolicy policy = policy_.load(std::memory_order_relaxed);
  Keyspace& ks = server_.keyspace;
  const size_t shard_id = next_shard_;
  next_shard_ = (next_shard_ + 1) % ks.num_shards();
  const size_t n = picked != nullptr ? 1 : SamplesPerRound();
  Shard& shard = ks.shard(shard_id);
  std::lock_guard lock(shard.mu);
  size_t found = 0;
  for (size_t db = 0; db < shard.dbs.size(); ++db) {
    DbTable& table = shard.dbs[db];
    sample_.clear();
    if (policy == EvictionPolicy::kVolatileTtl) {
      table.NearestDeadlines(n, &sample_);
    } else if (IsVolatile(policy)) {
      table.SampleVolatile(n, &sample_);
    } else {
      table.SampleKeys(n, &sample_);
    }
    for (Entry* e : sample_) {
      ++found;
      Candidate c{Score(table, *e), static_cast<int>(db), shard_id, std::string(e->key())};
      if (picked != nullptr) {
        picked->push_back(std::move(c));
        return found;
      }
      AddToPool(std::move(c));
    }
  }
  return found;
}

uint64_t Evictor::Score(const DbTable& table, const Entry& e) const {
  const AccessTracker& access = server_.keyspace.access();
  switch (policy_.load(std::memory_order_relaxed)) {
    case EvictionPolicy::kAllKeysLfu:
    case EvictionPolicy::kVolatileLfu:
      return 255 - access.LfuCounter(e.access);
    case EvictionPolicy::kVolatileTtl:
      return std::numeric_limits<uint64_t>::max() - static_cast<uint64_t>(e.expire_at_ms);
    case EvictionPolicy::kAllKeysTinyLfu: {
      // The least requested first (the sketch counts misses too, so a key's history survives
      // its eviction); among equals, the least recently used.
      const uint64_t idle = std::min<uint64_t>(access.IdleMs(e.access), (uint64_t{1} << 40) - 1);
      const auto rarity =
          static_cast<uint64_t>(FrequencySketch::kMaxCount - table.SketchEstimate(e.key()));
      return (rarity << 40) | idle;
    }
    default:
      return access.IdleMs(e.access);
  }
}

void Evictor::AddToPool(Candidate c) {
  // The pool is sorted by ascending score; the best candidate is at the back.
  for (auto it = pool_.begin(); it != pool_.end(); ++it) {
    if (it->db == c.db && it->key == c.key) {
      pool_.erase(it);
      break;
    }
  }
  if (pool_.size() == kPoolSize) {
    if (c.score <= pool_.front().score) return;
    pool_.erase(pool_.begin());
  }
  auto pos = std::upper_bound(pool_.begin(), pool_.end(), c.score,
                              [](uint64_t s, const Candidate& x) { return s < x.score; });
  pool_.insert(pos, std::move(c));
}

std::optional<int64_t> Evictor::Evict(const Candidate& c, int64_t now_ms) {
  Shard& shard = server_.keyspace.shard(c.shard);
  std::lock_guard lock(shard.mu);
  DbTable& table = shard.dbs[static_cast<size_t>(c.db)];
  Entry* e = table.Peek(c.key, now_ms);
  if (e == nullptr) return std::nullopt;
  if (IsVolatile(policy_.load(std::memory_order_relaxed)) && e->expire_at_ms == 0) {
    return std::nullopt;
  }
  const int64_t bytes = EstimatedBytes(*e);
  // As a DEL command run by the dispatcher: the rewrite's capture first, then the change, the log
  // and the observers, all under the shard lock.
  WriteLog* log = server_.write_log.load(std::memory_order_acquire);
  if (log != nullptr && log->capturing()) log->BeforeWriteLocked(c.shard);
  LazyFreer* freer = server_.lazy_free.get();
  if (freer != nullptr && freer->lazy_eviction()) {
    EntryPtr gone = table.Extract(c.key);
    const size_t effort = LazyFreer::FreeEffort(gone->value);
    freer->FreeIfBig(std::move(gone), effort);
  } else {
    table.Erase(c.key);
  }
  if (log != nullptr) {
    const std::string_view argv[] = {"DEL", c.key};
    log->Append(c.db, argv);
  }
  for (KeyObserver* obs : server_.key_observers) obs->OnKeyModified(c.db, c.key);
  evicted_keys_.fetch_add(1, std::memory_order_relaxed);
  return bytes;
}

void InstallEviction(ServerState& server) {
  auto evictor = std::make_shared<Evictor>(server);
  std::weak_ptr<Evictor> weak = evictor;
  Config& cfg = server.config;
  auto on = [&cfg, weak](std::string_view key, auto apply) {
    cfg.OnChange(key, [weak, apply](const std::string& v) {
      if (auto ev = weak.lock()) apply(*ev, v);
    });
  };
  on("maxmemory", [](Evictor& ev, const std::string& v) { ev.maxmemory_ = ParseInt64(v).value_or(0); });
  on("maxmemory-policy", [](Evictor& ev, const std::string& v) {
    ev.ApplyPolicy(ParseEvictionPolicy(v).value_or(EvictionPolicy::kNoEviction));
  });
  on("maxmemory-samples",
     [](Evictor& ev, const std::string& v) { ev.samples_ = static_cast<int>(*ParseInt64(v)); });
  on("maxmemory-eviction-tenacity",
     [](Evictor& ev, const std::string& v) { ev.tenacity_ = static_cast<int>(*ParseInt64(v)); });
  on("lfu-log-factor", [&server](Evictor&, const std::string& v) {
    server.keyspace.access().set_lfu_log_factor(static_cast<int>(*ParseInt64(v)));
  });
  on("lfu-decay-time", [&server](Evictor&, const std::string& v) {
    server.keyspace.access().set_lfu_decay_time(static_cast<int>(*ParseInt64(v)));
  });
  server.evictor = std::move(evictor);
}

}  // namespace kv
