#pragma once

// kvctl's connection to one node's admin port: channel credentials, per-call deadline and token,
// and the mapping from gRPC status to kvctl's exit codes and one-line error messages.

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "grpc/health/v1/health.grpc.pb.h"
#include "kvcache/v1/admin.grpc.pb.h"

namespace kv::ctl {

// Exit codes, part of kvctl's interface for scripts.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;       // the server refused or failed the request
inline constexpr int kExitUsage = 2;        // bad command line
inline constexpr int kExitUnreachable = 3;  // no connection, the deadline passed, or no quorum
inline constexpr int kExitPartial = 4;      // --all: some nodes did not answer

struct ConnectOptions {
  // One admin address host:port, or comma-separated seeds (see ConnectSeed).
  std::string addr = "127.0.0.1:7379";
  std::string token;            // sent as "authorization: Bearer <token>" when set
  std::string tls_ca_file;      // set: TLS, verifying the server against this CA
  std::string tls_cert_file;    // client certificate for mutual TLS
  std::string tls_key_file;     // its key
  std::string tls_server_name;  // expected name in the server cert when it differs from addr
  double timeout_seconds = 5;
};

class AdminClient {
 public:
  // nullptr and *error when a TLS file cannot be read. Does not connect yet: gRPC connects on
  // the first call, so an unreachable node shows up as that call's status.
  static std::unique_ptr<AdminClient> Create(const ConnectOptions& options, std::string* error);

  // Deadline and token for one call.
  void Prepare(grpc::ClientContext* ctx) const;

  // Connects now, within the call timeout. False as soon as the connection attempt fails
  // (refused, TLS handshake) instead of waiting out gRPC's reconnect backoff.
  bool Connects() const;

  kvcache::v1::Admin::Stub& admin() { return *admin_; }
  grpc::health::v1::Health::Stub& health() { return *health_; }
  const std::string& addr() const { return options_.addr; }

 private:
  explicit AdminClient(ConnectOptions options) : options_(std::move(options)) {}

  ConnectOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<kvcache::v1::Admin::Stub> admin_;
  std::unique_ptr<grpc::health::v1::Health::Stub> health_;
};

// "a:1, b:2 ,c:3" -> {"a:1", "b:2", "c:3"}; empty entries dropped.
std::vector<std::string> SplitSeeds(const std::string& addr);

// A client for the first seed in options.addr that accepts a connection. The last seed is taken
// without a probe, so with one seed (or none answering) its first call reports the real error.
// nullptr and *error for a bad TLS file or an empty --addr.
std::unique_ptr<AdminClient> ConnectSeed(const ConnectOptions& options, std::string* error);

// The same options aimed at another node's admin address (a cluster member).
ConnectOptions WithAddr(const ConnectOptions& options, const std::string& addr);

int ExitCodeFor(const grpc::Status& status);
// True when the node was not reached (or did not answer in time), as opposed to answering "no".
bool Unreachable(const grpc::Status& status);

// "kvctl: 127.0.0.1:7379: UNAUTHENTICATED: invalid admin token"
std::string ErrorLine(const std::string& addr, const grpc::Status& status);

const char* StatusCodeName(grpc::StatusCode code);

}  // namespace kv::ctl
