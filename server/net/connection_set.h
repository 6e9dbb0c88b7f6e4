#pragma once

// The live connections of one I/O thread, which it owns (so shutdown can reach them), and the
// event loop they share. Touched only on that thread, except PostDurable.

#include <absl/container/flat_hash_map.h>

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "server/net/event_loop.h"
#include "server/net/mailbox.h"

namespace kv::net {

class Connection;

class ConnectionSet {
 public:
  explicit ConnectionSet(EventLoop& loop) : loop_(loop) {}

  EventLoop& loop() { return loop_; }

  void Add(std::shared_ptr<Connection> c) {
    Connection* key = c.get();
    conns_.emplace(key, std::move(c));
  }
  // The connection is destroyed after the current round of events, not here: Remove is called
  // from the connection's own methods, and the loop may still hold it in this round's events.
  void Remove(Connection* c);
  template <typename Fn>
  void ForEach(Fn&& fn) {
    // Copy: fn may close connections, which removes them from the set.
    std::vector<Connection*> snapshot;
    snapshot.reserve(conns_.size());
    for (auto& [c, owned] : conns_) snapshot.push_back(c);
    for (Connection* c : snapshot) fn(*c);
  }
  size_t size() const { return conns_.size(); }

  // From the AOF writer thread: `conn`'s replies up to write `seq` are durable. The connections
  // one fsync releases share one hop onto this thread instead of one each.
  void PostDurable(std::shared_ptr<Connection> conn, uint64_t seq);
  // Flushes `conn` once this round's events are handled.
  void ScheduleFlush(std::shared_ptr<Connection> conn);

 private:
  void DrainDurable();
  void FlushPending();

  EventLoop& loop_;
  absl::flat_hash_map<Connection*, std::shared_ptr<Connection>> conns_;
  Mailbox<std::pair<std::shared_ptr<Connection>, uint64_t>> durable_;
  std::vector<std::shared_ptr<Connection>> pending_flush_;
  std::vector<std::shared_ptr<Connection>> flushing_;
};

}  // namespace kv::net
