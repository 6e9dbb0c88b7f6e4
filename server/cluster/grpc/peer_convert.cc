#include "server/cluster/grpc/peer_convert.h"

namespace kv::cluster {

namespace v1 = kvcache::v1;

namespace {

v1::AgreementMessage::Type ToProtoType(MsgType t) {
  switch (t) {
    case MsgType::kPrepare: return v1::AgreementMessage::PREPARE;
    case MsgType::kPromise: return v1::AgreementMessage::PROMISE;
    case MsgType::kAccept: return v1::AgreementMessage::ACCEPT;
    case MsgType::kAccepted: return v1::AgreementMessage::ACCEPTED;
    case MsgType::kReject: return v1::AgreementMessage::REJECT;
    case MsgType::kCommit: return v1::AgreementMessage::COMMIT;
  }
  return v1::AgreementMessage::NONE;
}

}  // namespace

void ToProto(const AgreementMsg& in, v1::AgreementMessage* out) {
  out->set_type(ToProtoType(in.type));
  out->set_from(in.from);
  out->set_to(in.to);
  out->set_instance(in.instance);
  out->set_ballot_round(in.ballot.round);
  out->set_ballot_node(in.ballot.node);
  if (in.accepted_ballot) {
    out->set_has_accepted_ballot(true);
    out->set_accepted_round(in.accepted_ballot->round);
    out->set_accepted_node(in.accepted_ballot->node);
  }
  if (in.value) out->set_value_json(in.value->ToJson());
  out->set_committed_epoch(in.committed_epoch);
}

bool FromProto(const v1::AgreementMessage& in, AgreementMsg* out) {
  switch (in.type()) {
    case v1::AgreementMessage::PREPARE: out->type = MsgType::kPrepare; break;
    case v1::AgreementMessage::PROMISE: out->type = MsgType::kPromise; break;
    case v1::AgreementMessage::ACCEPT: out->type = MsgType::kAccept; break;
    case v1::AgreementMessage::ACCEPTED: out->type = MsgType::kAccepted; break;
    case v1::AgreementMessage::REJECT: out->type = MsgType::kReject; break;
    case v1::AgreementMessage::COMMIT: out->type = MsgType::kCommit; break;
    default: return false;
  }
  out->from = in.from();
  out->to = in.to();
  out->instance = in.instance();
  out->ballot = Ballot{in.ballot_round(), in.ballot_node()};
  if (in.has_accepted_ballot()) out->accepted_ballot = Ballot{in.accepted_round(), in.accepted_node()};
  if (!in.value_json().empty()) {
    std::string error;
    auto state = ClusterState::FromJson(in.value_json(), &error);
    if (!state) return false;
    out->value = std::make_shared<ClusterState>(std::move(*state));
  }
  out->committed_epoch = in.committed_epoch();
  return true;
}

void ToProto(const Member& in, v1::PeerIdentity* out) {
  out->set_node_id(in.id);
  out->set_host(in.host);
  out->set_port(in.port);
  out->set_admin_port(in.admin_port);
}

Member FromProto(const v1::PeerIdentity& in) {
  Member m;
  m.id = in.node_id();
  m.host = in.host();
  m.port = in.port();
  m.admin_port = in.admin_port();
  return m;
}

void ToProto(const HeartbeatInfo& in, v1::HeartbeatRequest* out) {
  out->set_from(in.node_id);
  out->set_epoch(in.epoch);
  out->set_digest(in.digest);
  out->set_cluster_id(in.cluster_id);
}

void ToProto(const HeartbeatInfo& in, v1::HeartbeatResponse* out) {
  out->set_node_id(in.node_id);
  out->set_epoch(in.epoch);
  out->set_digest(in.digest);
  out->set_cluster_id(in.cluster_id);
}

HeartbeatInfo FromProto(const v1::HeartbeatRequest& in) {
  return HeartbeatInfo{in.from(), in.epoch(), in.digest(), in.cluster_id()};
}

HeartbeatInfo FromProto(const v1::HeartbeatResponse& in) {
  return HeartbeatInfo{in.node_id(), in.epoch(), in.digest(), in.cluster_id()};
}

}  // namespace kv::cluster
