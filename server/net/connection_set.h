#pragma once

// The live connections of one I/O thread, so shutdown can reach them, and the little state they
// share on that thread. Touched only on that thread.

#include <absl/container/flat_hash_set.h>

#include <memory>
#include <utility>
#include <vector>

namespace kv::net {

class Connection;

class ConnectionSet {
 public:
  void Add(const std::shared_ptr<Connection>& c) { conns_.insert(c.get()); }
  void Remove(Connection* c) { conns_.erase(c); }
  template <typename Fn>
  void ForEach(Fn&& fn) {
    // Copy: fn may close connections, which removes them from the set.
    std::vector<Connection*> snapshot(conns_.begin(), conns_.end());
    for (Connection* c : snapshot) fn(*c);
  }
  size_t size() const { return conns_.size(); }

  // appendfsync always: the first connection of an event-loop round that holds a reply schedules
  // one AOF sync for the whole round. True when the caller must schedule it.
  bool StartSyncRound() { return !std::exchange(sync_round_pending_, true); }
  void EndSyncRound() { sync_round_pending_ = false; }

 private:
  absl::flat_hash_set<Connection*> conns_;
  bool sync_round_pending_ = false;
};

}  // namespace kv::net
