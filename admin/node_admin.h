#pragma once

// The admin plane of a kv-server process: reads the admin-* config keys, starts the AdminServer
// over the node's ServerState, and keeps grpc.health.v1 in step with the node (NOT_SERVING while
// the AOF loads or the node shuts down). kv-server's main holds one for its lifetime.
// No gRPC header here.

#include <memory>
#include <string>

namespace kv {
struct ServerState;
}

namespace kv::admin {

class ClusterPlane;

class NodeAdmin {
 public:
  // Reads admin-port, admin-bind, admin-token (or env KVCACHE_ADMIN_TOKEN when the key is empty),
  // admin-tls-cert-file, admin-tls-key-file, admin-tls-ca-cert-file and the node id in `dir`.
  // nullptr and *error on configuration errors (unreadable TLS files, bad TLS options): the
  // node should refuse to start. When only the port is taken, the node keeps running without an
  // admin plane and says so in the log: several nodes on one host (tests, benchmarks) must not
  // fail on the shared default admin port.
  // With a ClusterPlane (cluster-enabled yes) the Peer service is served on the same port, and a
  // taken port is fatal: a member without its peer plane cannot take part in the cluster.
  static std::unique_ptr<NodeAdmin> Start(ServerState& state, std::string* error,
                                          ClusterPlane* cluster = nullptr);

  // Stops the admin server (short grace for in-flight calls). Call from main's thread, never from
  // inside an admin RPC.
  ~NodeAdmin();

  // The bound admin port; 0 when running without an admin plane.
  int port() const;

 private:
  struct Impl;
  explicit NodeAdmin(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kv::admin
