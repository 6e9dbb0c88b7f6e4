#include "server/net/connection_set.h"

#include <boost/asio/post.hpp>

#include "server/net/connection.h"

namespace kv::net {

void ConnectionSet::PostDurable(std::shared_ptr<Connection> conn, uint64_t seq) {
  {
    std::lock_guard lock(durable_mu_);
    durable_.emplace_back(std::move(conn), seq);
    if (std::exchange(durable_drain_scheduled_, true)) return;
  }
  boost::asio::post(executor_, [this] { DrainDurable(); });
}

void ConnectionSet::DrainDurable() {
  {
    std::lock_guard lock(durable_mu_);
    durable_draining_.swap(durable_);
    durable_drain_scheduled_ = false;
  }
  for (auto& [conn, seq] : durable_draining_) conn->OnDurable(seq);
  durable_draining_.clear();
}

}  // namespace kv::net
