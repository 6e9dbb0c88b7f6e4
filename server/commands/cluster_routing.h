#pragma once

// The RESP side of cluster mode: the routing table the cluster core publishes, read lock-free by
// the I/O threads, and the one check every keyed command passes before it runs: is this node the
// owner of the command's slot? (Redis's getNodeByQuery.)

#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include "server/cluster/routing_table.h"
#include "server/commands/command_keys.h"

namespace kv {

class ClusterRouting {
 public:
  // From the cluster thread whenever the state or a member's liveness changes.
  void Publish(cluster::RoutingPtr t) { table_.store(std::move(t), std::memory_order_release); }
  cluster::RoutingPtr table() const { return table_.load(std::memory_order_acquire); }

 private:
  std::atomic<cluster::RoutingPtr> table_;
};

// The error reply (without the leading '-') for a command with `keys` (at least one) that this
// node must not run: CROSSSLOT when the keys span slots, CLUSTERDOWN when the node is not synced or the
// slot's owner is down or missing, MOVED <slot> <host>:<port> when another member owns it. nullopt
// when the command runs here.
std::optional<std::string> ClusterRedirect(const cluster::RoutingTable* table,
                                           const CommandKeys& keys);

}  // namespace kv
