#pragma once

// Items handed to one I/O thread from any thread, delivered in batches: the first Push since the
// last drain asks the caller to schedule one Drain on the owning thread, and that Drain takes
// everything pushed until then. A burst of N hand-offs costs one hop onto the thread, not N.

#include <mutex>
#include <utility>
#include <vector>

namespace kv::net {

template <typename T>
class Mailbox {
 public:
  // Any thread. True when the caller must schedule a Drain (none is pending).
  bool Push(T item) {
    std::lock_guard lock(mu_);
    items_.push_back(std::move(item));
    return !std::exchange(drain_scheduled_, true);
  }

  // Owning thread: calls fn on every item pushed before this call, in order.
  template <typename Fn>
  void Drain(Fn&& fn) {
    {
      std::lock_guard lock(mu_);
      draining_.swap(items_);
      drain_scheduled_ = false;
    }
    for (T& item : draining_) fn(item);
    draining_.clear();
  }

 private:
  std::mutex mu_;
  std::vector<T> items_;          // guarded by mu_
  bool drain_scheduled_ = false;  // guarded by mu_
  std::vector<T> draining_;       // owning thread only; keeps its capacity between drains
};

}  // namespace kv::net
