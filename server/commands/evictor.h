#pragma once

// maxmemory: when the allocator's count of used memory is over the limit, the dispatcher asks the
// Evictor to make room before running a command (Redis's performEvictions). The policies are
// Redis's, with its sampling (maxmemory-samples keys per round into a pool of the 16 best
// candidates), plus allkeys-tinylfu (server/db/freq_sketch.h; README "Eviction").
//
// Work per command is bounded by maxmemory-eviction-tenacity's time budget, as in Redis: a command
// that runs out of it goes ahead, and the next one continues. An evicted key is deleted as DEL
// would: logged to the AOF as DEL, reported to WATCH and counted in INFO's evicted_keys.

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/commands/memory_meter.h"

namespace kv {

struct ServerState;
class DbTable;
class Entry;

enum class EvictionPolicy : uint8_t {
  kNoEviction,
  kAllKeysLru,
  kAllKeysLfu,
  kAllKeysRandom,
  kVolatileLru,
  kVolatileLfu,
  kVolatileRandom,
  kVolatileTtl,
  kAllKeysTinyLfu,
};
std::optional<EvictionPolicy> ParseEvictionPolicy(std::string_view name);

class Evictor {
 public:
  // What MakeRoom achieved. kFail is Redis's EVICT_FAIL: over the limit with nothing evictable
  // (noeviction, or volatile-* with no key that has a deadline): deny-oom commands are refused.
  enum class Result { kOk, kRunning, kFail };

  // Reads and then follows the maxmemory* and lfu-* config keys.
  explicit Evictor(ServerState& server);
  Evictor(const Evictor&) = delete;
  Evictor& operator=(const Evictor&) = delete;

  bool limited() const { return maxmemory_.load(std::memory_order_relaxed) > 0; }
  // Called with no shard lock held.
  Result MakeRoom(int64_t now_ms);

  uint64_t evicted_keys() const { return evicted_keys_.load(std::memory_order_relaxed); }
  void ResetStats() { evicted_keys_.store(0, std::memory_order_relaxed); }
  MemoryMeter& meter() { return meter_; }

 private:
  struct Candidate {
    uint64_t score;  // higher is evicted first
    int db;
    size_t shard;
    std::string key;
  };
  static constexpr size_t kPoolSize = 16;  // Redis's EVPOOL_SIZE
  static constexpr size_t kMaxSamples = 1024;

  size_t SamplesPerRound() const;
  void ApplyPolicy(EvictionPolicy p);
  // Deletes one key chosen by the policy; returns the bytes it should free, or nullopt when no
  // key can be evicted.
  std::optional<int64_t> EvictOne(int64_t now_ms);
  // Samples the next shard into pool_ (or, for the random policies, picks one key there into
  // `picked`); returns how many keys it sampled.
  size_t SampleNextShard(std::vector<Candidate>* picked);
  void AddToPool(Candidate c);
  uint64_t Score(const DbTable& table, const Entry& e) const;
  // Deletes `c` if it is still there (and still volatile under a volatile-* policy).
  std::optional<int64_t> Evict(const Candidate& c, int64_t now_ms);
  uint64_t TimeLimitMicros() const;

  friend void InstallEviction(ServerState& server);

  ServerState& server_;
  MemoryMeter meter_;
  std::atomic<int64_t> maxmemory_{0};
  std::atomic<EvictionPolicy> policy_{EvictionPolicy::kNoEviction};
  std::atomic<int> samples_{5};
  std::atomic<int> tenacity_{10};
  std::atomic<uint64_t> evicted_keys_{0};
  // Bumped by a policy change; the pool, scored under the old policy, is dropped at the next
  // eviction. (ApplyPolicy cannot take mu_: CONFIG SET inside EXEC holds every shard lock, and an
  // evicting thread holds mu_ while it takes shard locks.)
  std::atomic<uint64_t> policy_epoch_{0};

  std::mutex mu_;  // one evicting thread at a time; guards what follows
  uint64_t pool_epoch_ = 0;
  std::vector<Candidate> pool_;  // ascending score
  size_t next_shard_ = 0;
  std::vector<Entry*> sample_;  // scratch
};

// Creates server.evictor (main, and tests that want maxmemory).
void InstallEviction(ServerState& server);

// What maxmemory leaves out of used memory: the AOF's buffers (evicting keys cannot shrink them).
int64_t NotCountedByMaxmemory(const ServerState& server);

}  // namespace kv
