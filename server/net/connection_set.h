#pragma once

// The live connections of one I/O thread, so shutdown can reach them, and the little state they
// share on that thread. Touched only on that thread, except PostDurable.

#include <absl/container/flat_hash_set.h>

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "server/net/mailbox.h"

namespace kv::net {

class Connection;

class ConnectionSet {
 public:
  explicit ConnectionSet(boost::asio::io_context::executor_type executor) : executor_(executor) {}

  void Add(const std::shared_ptr<Connection>& c) { conns_.insert(c.get()); }
  void Remove(Connection* c) { conns_.erase(c); }
  template <typename Fn>
  void ForEach(Fn&& fn) {
    // Copy: fn may close connections, which removes them from the set.
    std::vector<Connection*> snapshot(conns_.begin(), conns_.end());
    for (Connection* c : snapshot) fn(*c);
  }
  size_t size() const { return conns_.size(); }

  // From the AOF writer thread: `conn`'s replies up to write `seq` are durable. The connections
  // one fsync releases share one hop onto this thread instead of one each (each hop is a handler
  // and, as asio interleaves them with the reactor, often one more epoll_wait).
  void PostDurable(std::shared_ptr<Connection> conn, uint64_t seq);

 private:
  void DrainDurable();

  absl::flat_hash_set<Connection*> conns_;
  boost::asio::io_context::executor_type executor_;
  Mailbox<std::pair<std::shared_ptr<Connection>, uint64_t>> durable_;
};

}  // namespace kv::net
