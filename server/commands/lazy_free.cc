#include "server/commands/lazy_free.h"

#include "server/db/zset.h"

#include "server/base/thread_name.h"
#include "server/config/config.h"

namespace kv {

LazyFreer::LazyFreer(Config& config) {
  user_del_ = config.GetBool("lazyfree-lazy-user-del");
  user_flush_ = config.GetBool("lazyfree-lazy-user-flush");
  eviction_ = config.GetBool("lazyfree-lazy-eviction");
  // The freer lives as long as the config (both belong to main), so `this` may be captured.
  config.OnChange("lazyfree-lazy-user-del", [this](const std::string& v) { user_del_ = v == "yes"; });
  config.OnChange("lazyfree-lazy-user-flush",
                  [this](const std::string& v) { user_flush_ = v == "yes"; });
  config.OnChange("lazyfree-lazy-eviction", [this](const std::string& v) { eviction_ = v == "yes"; });
  thread_ = std::thread([this] { Run(); });
}

LazyFreer::~LazyFreer() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

size_t LazyFreer::FreeEffort(const Value& v) {
  switch (v.type()) {
    case ValueType::kString:
      return 1;
    case ValueType::kList:
      return v.list().size();
    case ValueType::kHash:
      return v.hash().size();
    case ValueType::kSet:
      return v.set().size();
    case ValueType::kZSet:
      return v.zset().size();
  }
  return 1;
}

void LazyFreer::Enqueue(std::unique_ptr<Garbage> g) {
  pending_.fetch_add(1, std::memory_order_relaxed);
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(g));
  }
  wake_.notify_one();
}

void LazyFreer::Drain() {
  std::unique_lock lock(mu_);
  drained_.wait(lock, [this] { return queue_.empty() && !freeing_; });
}

void LazyFreer::Run() {
  SetThreadName("kv-lazyfree");
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait(lock, [this] { return stop_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stop_ and nothing left
    std::deque<std::unique_ptr<Garbage>> batch;
    batch.swap(queue_);
    freeing_ = true;
    lock.unlock();
    const size_t n = batch.size();
    batch.clear();  // the destructors run here, off the I/O threads
    pending_.fetch_sub(n, std::memory_order_relaxed);
    freed_.fetch_add(n, std::memory_order_relaxed);
    lock.lock();
    freeing_ = false;
    if (queue_.empty()) drained_.notify_all();
  }
}

}  // namespace kv
