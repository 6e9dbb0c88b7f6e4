#pragma once

// kvcache.v1.Peer messages <-> the cluster core's structs. The state travels as its JSON.

#include "kvcache/v1/peer.pb.h"
#include "server/cluster/agreement.h"
#include "server/cluster/peer_transport.h"

namespace kv::cluster {

void ToProto(const AgreementMsg& in, kvcache::v1::AgreementMessage* out);
// False when the message is malformed (unknown type, unparsable state).
bool FromProto(const kvcache::v1::AgreementMessage& in, AgreementMsg* out);

void ToProto(const Member& in, kvcache::v1::PeerIdentity* out);
Member FromProto(const kvcache::v1::PeerIdentity& in);

void ToProto(const HeartbeatInfo& in, kvcache::v1::HeartbeatRequest* out);
void ToProto(const HeartbeatInfo& in, kvcache::v1::HeartbeatResponse* out);
HeartbeatInfo FromProto(const kvcache::v1::HeartbeatRequest& in);
HeartbeatInfo FromProto(const kvcache::v1::HeartbeatResponse& in);

}  // namespace kv::cluster
