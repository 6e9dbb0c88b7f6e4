#pragma once

// How the cluster core talks to other members: an interface, so the core has no gRPC in it and
// tests can run it over an in-process network. The gRPC implementation is grpc/grpc_transport.h.
//
// Every call is asynchronous: `done` runs later, exactly once, on a transport thread (never inside
// the call), with a failed Status when the peer could not be reached, timed out or refused.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "server/cluster/agreement.h"
#include "server/cluster/cluster_state.h"
#include "server/cluster/status.h"

namespace kv::cluster {

struct HeartbeatInfo {
  std::string node_id;
  uint64_t epoch = 0;
  std::string digest;
  std::string cluster_id;
};

// Who answers at an admin address, and whether it may join (no keys, not in another cluster).
struct HelloInfo {
  Member identity;
  int64_t keys = 0;
  uint64_t epoch = 0;
  int members = 0;
  std::string cluster_id;
};

struct SlotStat {
  uint16_t slot = 0;
  int64_t keys = 0;
  int64_t bytes = 0;
};

class PeerTransport {
 public:
  virtual ~PeerTransport() = default;

  virtual void Agree(const std::string& admin_address, AgreementMsg msg,
                     std::function<void(Status, std::optional<AgreementMsg>)> done) = 0;
  virtual void Heartbeat(const std::string& admin_address, HeartbeatInfo hb, int64_t timeout_ms,
                         std::function<void(Status, HeartbeatInfo)> done) = 0;
  virtual void GetState(const std::string& admin_address,
                        std::function<void(Status, ClusterState)> done) = 0;
  virtual void Hello(const std::string& admin_address,
                     std::function<void(Status, HelloInfo)> done) = 0;
  // Asks the member at `admin_address` to add `self`; done gets the committed state.
  virtual void Join(const std::string& admin_address, const Member& self, int64_t keys,
                    int64_t timeout_ms, std::function<void(Status, ClusterState)> done) = 0;
  virtual void GetSlotStats(const std::string& admin_address, std::vector<uint16_t> slots,
                            std::function<void(Status, std::vector<SlotStat>)> done) = 0;
};

// What the node's keyspace offers the cluster core. Called from cluster and gRPC threads; the
// implementation takes the keyspace's shard locks itself.
class LocalKeyspace {
 public:
  virtual ~LocalKeyspace() = default;
  virtual int64_t TotalKeys() = 0;
  // Key count and approximate payload bytes of each slot asked for, all databases.
  virtual std::vector<SlotStat> SlotStats(const std::vector<uint16_t>& slots) = 0;
  // Deletes every key of every slot not owned (owned.size() == kNumSlots), logging each deletion
  // as UNLINK so the AOF cannot bring the keys back. Returns how many keys were removed.
  virtual size_t DropUnowned(const std::vector<bool>& owned) = 0;
};

}  // namespace kv::cluster
