#include "server/net/connection_set.h"

#include "server/net/connection.h"

namespace kv::net {

void ConnectionSet::Remove(Connection* c) {
  auto node = conns_.extract(c);
  if (node.empty()) return;
  loop_.Post([last = std::move(node.mapped())] {});
}

void ConnectionSet::PostDurable(std::shared_ptr<Connection> conn, uint64_t seq) {
  if (!durable_.Push({std::move(conn), seq})) return;
  loop_.Post([this] { DrainDurable(); });
}

void ConnectionSet::ScheduleFlush(std::shared_ptr<Connection> conn) {
  pending_flush_.push_back(std::move(conn));
  if (pending_flush_.size() == 1) loop_.AtRoundEnd([this] { FlushPending(); });
}

void ConnectionSet::FlushPending() {
  flushing_.swap(pending_flush_);
  for (auto& c : flushing_) c->FlushScheduled();
  flushing_.clear();
}

void ConnectionSet::DrainDurable() {
  durable_.Drain([](auto& item) { item.first->OnDurable(item.second); });
}

}  // namespace kv::net
