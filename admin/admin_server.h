#pragma once

// The admin plane's gRPC server: kvcache.v1.Admin, grpc.health.v1.Health and server reflection on
// their own port and gRPC's own threads, so a slow admin call never touches the RESP threads.
// No gRPC header here: the node's main includes this file.

#include <memory>
#include <string>
#include <vector>

#include "admin/cluster_backend.h"
#include "admin/node_backend.h"

namespace grpc {
class Service;  // only pointers pass through here, so no gRPC header is needed
}

namespace kv::admin {

struct AdminServerOptions {
  // Interface to listen on. Empty: 127.0.0.1 when no token is set (and the log says so), all
  // interfaces (0.0.0.0) when one is.
  std::string bind_address;
  int port = 7379;  // 0 picks a free port (tests); AdminServer::port() reports it
  // Bearer token required on every Admin RPC; empty disables auth. Health and reflection stay
  // open so probes and generic tools work without it.
  std::string token;
  // PEM files. cert+key turn on TLS; a client CA on top requires and verifies client certs.
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string tls_client_ca_file;
  // Upper bound on gRPC's sync-server threads for this server.
  int max_threads = 8;

  // Cluster mode. The backend of the Admin cluster RPCs (GetClusterStatus, GetRing,
  // PlanRingChange, ApplyRingChange, Where); nullptr when the node is standalone, and those RPCs
  // then answer FAILED_PRECONDITION "cluster mode is off". Not owned; must outlive the server.
  ClusterBackend* cluster = nullptr;
  // More services on this port, with the same TLS credentials and threads: the cluster's Peer
  // service. Not owned; must outlive the server. The admin token does not apply to them (Peer
  // checks the cluster secret itself); health reports them with the rest of the server.
  std::vector<grpc::Service*> extra_services;
};

class AdminServer {
 public:
  // Listens and serves until destroyed. Health starts as backend.IsReady() says; the node calls
  // SetServing(true) once the AOF is loaded. On failure returns nullptr and sets *error:
  // kInvalidArgument for bad options (unreadable TLS files), kUnavailable when the address
  // cannot be listened on (port in use). `backend` must outlive the server.
  static std::unique_ptr<AdminServer> Start(const AdminServerOptions& options, NodeBackend& backend,
                                            AdminError* error);

  // Stops accepting, gives in-flight calls a short grace period, joins gRPC's threads. Must not be
  // called from inside an admin RPC (NodeBackend::RequestShutdown says so too).
  ~AdminServer();
  AdminServer(const AdminServer&) = delete;
  AdminServer& operator=(const AdminServer&) = delete;

  // grpc.health.v1 status for the server as a whole and every service on it.
  void SetServing(bool serving);

  int port() const;
  // host:port actually listened on.
  std::string address() const;

 private:
  struct Impl;
  explicit AdminServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kv::admin
