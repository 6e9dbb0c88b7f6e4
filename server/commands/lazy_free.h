#pragma once

// Background freeing (Redis's lazyfree): UNLINK, FLUSHALL/FLUSHDB ASYNC and, when the
// lazyfree-lazy-* keys say so, DEL, FLUSHALL and eviction hand what they removed to one thread
// that destroys it, so the command answers at once whatever the value's size. As Redis, only
// values whose freeing costs more than kThreshold elements go there; a small value is freed inline,
// where that is cheaper than the hand-over.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "server/db/value.h"

namespace kv {

class Config;

class LazyFreer {
 public:
  static constexpr size_t kThreshold = 64;  // Redis's LAZYFREE_THRESHOLD

  // Follows the lazyfree-lazy-* keys of `config`.
  explicit LazyFreer(Config& config);
  ~LazyFreer();  // frees what is still queued, then joins
  LazyFreer(const LazyFreer&) = delete;
  LazyFreer& operator=(const LazyFreer&) = delete;

  // Redis's lazyfreeGetFreeEffort: elements to free (1 for a string).
  static size_t FreeEffort(const Value& v);

  // Destroys `obj` on the freeing thread.
  template <typename T>
  void Free(T obj) {
    Enqueue(std::make_unique<Held<T>>(std::move(obj)));
  }
  // Frees `obj` here when it is cheap, else on the freeing thread (`effort` as FreeEffort).
  template <typename T>
  void FreeIfBig(T obj, size_t effort) {
    if (effort > kThreshold) Free(std::move(obj));
  }

  // Objects queued and not yet freed (INFO lazyfree_pending_objects), and freed so far.
  uint64_t pending() const { return pending_.load(std::memory_order_relaxed); }
  uint64_t freed() const { return freed_.load(std::memory_order_relaxed); }

  bool lazy_user_del() const { return user_del_.load(std::memory_order_relaxed); }
  bool lazy_user_flush() const { return user_flush_.load(std::memory_order_relaxed); }
  bool lazy_eviction() const { return eviction_.load(std::memory_order_relaxed); }

  // Waits until everything queued before the call is freed (tests, shutdown).
  void Drain();

 private:
  struct Garbage {
    virtual ~Garbage() = default;
  };
  template <typename T>
  struct Held : Garbage {
    explicit Held(T o) : obj(std::move(o)) {}
    T obj;
  };

  void Enqueue(std::unique_ptr<Garbage> g);
  void Run();

  std::atomic<bool> user_del_{false};
  std::atomic<bool> user_flush_{false};
  std::atomic<bool> eviction_{false};
  std::atomic<uint64_t> pending_{0};
  std::atomic<uint64_t> freed_{0};

  std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable drained_;
  std::deque<std::unique_ptr<Garbage>> queue_;  // guarded by mu_
  bool freeing_ = false;                        // the thread holds a batch (guarded by mu_)
  bool stop_ = false;                           // guarded by mu_
  std::thread thread_;                          // last: starts once the rest is built
};

}  // namespace kv
