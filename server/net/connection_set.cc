#include "server/net/connection_set.h"

#include <boost/asio/post.hpp>

#include "server/net/connection.h"

namespace kv::net {

void ConnectionSet::PostDurable(std::shared_ptr<Connection> conn, uint64_t seq) {
  if (!durable_.Push({std::move(conn), seq})) return;
  boost::asio::post(executor_, [this] { DrainDurable(); });
}

void ConnectionSet::DrainDurable() {
  durable_.Drain([](auto& item) { item.first->OnDurable(item.second); });
}

}  // namespace kv::net
