#pragma once

// PeerTransport over gRPC: one channel per peer admin address, the cluster secret as bearer
// metadata on every call, mutual TLS with the node's own certificate when the admin TLS files are
// set. Calls use gRPC's callback API, so no thread waits on a peer.

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "server/cluster/peer_transport.h"

namespace grpc {
class ChannelCredentials;
}
namespace kvcache::v1 {
class Peer;
}

namespace kv::cluster {

struct PeerCredentials {
  std::string secret;
  std::string tls_cert_file;  // the node's certificate and key: TLS to peers when set
  std::string tls_key_file;
  std::string tls_ca_file;  // trusted CA for peers' certificates (default: the node's own cert)
};

class GrpcPeerTransport final : public PeerTransport {
 public:
  // nullptr and *error when TLS files cannot be read.
  static std::unique_ptr<GrpcPeerTransport> Create(const PeerCredentials& creds,
                                                   std::string* error);
  ~GrpcPeerTransport() override;

  void Agree(const std::string& admin_address, AgreementMsg msg,
             std::function<void(Status, std::optional<AgreementMsg>)> done) override;
  void Heartbeat(const std::string& admin_address, HeartbeatInfo hb, int64_t timeout_ms,
                 std::function<void(Status, HeartbeatInfo)> done) override;
  void GetState(const std::string& admin_address,
                std::function<void(Status, ClusterState)> done) override;
  void Hello(const std::string& admin_address,
             std::function<void(Status, HelloInfo)> done) override;
  void Join(const std::string& admin_address, const Member& self, int64_t keys,
            int64_t timeout_ms, std::function<void(Status, ClusterState)> done) override;
  void GetSlotStats(const std::string& admin_address, std::vector<uint16_t> slots,
                    std::function<void(Status, std::vector<SlotStat>)> done) override;

 private:
  struct Impl;
  explicit GrpcPeerTransport(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kv::cluster
