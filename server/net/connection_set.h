#pragma once

// The live connections of one I/O thread, so shutdown can reach them. Touched only on that thread.

#include <absl/container/flat_hash_set.h>

#include <memory>

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

 private:
  absl::flat_hash_set<Connection*> conns_;
};

}  // namespace kv::net
