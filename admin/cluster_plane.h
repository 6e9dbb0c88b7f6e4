#pragma once

// A kv-server's cluster membership when cluster-enabled is yes: reads the cluster-* config keys,
// builds the cluster core (server/cluster) over the node's keyspace with the gRPC transport, and
// exposes the Peer service (served on the admin port) and the admin plane's ClusterBackend.
// kv-server's main creates it before the admin server and starts it once the AOF is loaded.
// No gRPC header here.

#include <memory>
#include <string>

namespace grpc {
class Service;
}

namespace kv {
class Dispatcher;
}

namespace kv::admin {

class ClusterBackend;

class ClusterPlane {
 public:
  // nullptr and *error on a bad cluster configuration (no announce address for a wildcard bind,
  // no secret on a non-loopback address, unreadable TLS files, a corrupt cluster-state file).
  static std::unique_ptr<ClusterPlane> Create(Dispatcher& dispatcher, std::string* error);
  ~ClusterPlane();

  grpc::Service* peer_service();
  ClusterBackend* backend();
  // Bootstraps, joins or syncs in the background; call once the AOF is loaded.
  void Start();

 private:
  struct Impl;
  explicit ClusterPlane(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kv::admin
