#include "admin/proto_convert.h"

namespace kv::admin {
namespace {

void ToProto(const ClusterMemberInfo& in, kvcache::v1::ClusterMember* out) {
  out->set_node_id(in.node_id);
  out->set_resp_address(in.resp_address);
  out->set_admin_address(in.admin_address);
  out->set_state(in.state);
  out->set_reachable(in.reachable);
  out->set_slots(in.slots);
  out->set_is_self(in.is_self);
  out->set_last_heard_ms(in.last_heard_ms);
}

void ToProto(const SlotMoveSummary& in, kvcache::v1::SlotMoveSummary* out) {
  out->set_from_node_id(in.from_node_id);
  out->set_to_node_id(in.to_node_id);
  out->set_slots(in.slots);
  out->set_keys(in.keys);
  out->set_bytes(in.bytes);
}

}  // namespace

void ToProto(const NodeInfo& in, kvcache::v1::NodeInfo* out) {
  out->set_version(in.version);
  out->set_node_id(in.node_id);
  out->set_role(in.role);
  out->set_resp_address(in.resp_address);
  out->set_admin_address(in.admin_address);
  out->set_process_id(in.process_id);
  out->set_uptime_seconds(in.uptime_seconds);
  out->set_connected_clients(in.connected_clients);
  for (const DatabaseKeys& db : in.keyspace) {
    auto* k = out->add_keyspace();
    k->set_db(db.db);
    k->set_keys(db.keys);
    k->set_expires(db.expires);
  }
  out->set_used_memory_bytes(in.used_memory_bytes);
  out->set_used_memory_rss_bytes(in.used_memory_rss_bytes);
  out->set_ops_per_sec(in.ops_per_sec);
}

void ToProto(const NodeStats& in, kvcache::v1::GetStatsResponse* out) {
  for (const CommandStats& c : in.commands) {
    auto* s = out->add_commands();
    s->set_name(c.name);
    s->set_calls(c.calls);
    s->set_usec(c.usec);
    s->set_p99_usec(c.p99_usec);
    s->set_rejected_calls(c.rejected_calls);
    s->set_failed_calls(c.failed_calls);
  }
  auto* k = out->mutable_keyspace();
  k->set_hits(in.keyspace.hits);
  k->set_misses(in.keyspace.misses);
  k->set_expired(in.keyspace.expired);
  k->set_evicted(in.keyspace.evicted);
  out->set_total_commands_processed(in.total_commands_processed);
  out->set_total_connections_received(in.total_connections_received);
}

void ToProto(const PersistenceStatus& in, kvcache::v1::PersistenceStatus* out) {
  out->set_aof_enabled(in.aof_enabled);
  out->set_aof_rewrite_in_progress(in.aof_rewrite_in_progress);
  out->set_aof_rewrite_scheduled(in.aof_rewrite_scheduled);
  out->set_aof_last_rewrite_time_seconds(in.aof_last_rewrite_time_seconds);
  out->set_aof_current_rewrite_time_seconds(in.aof_current_rewrite_time_seconds);
  out->set_aof_last_bgrewrite_status(in.aof_last_bgrewrite_status);
  out->set_aof_last_write_status(in.aof_last_write_status);
  out->set_aof_rewrites(in.aof_rewrites);
  out->set_aof_current_size_bytes(in.aof_current_size_bytes);
  out->set_aof_base_size_bytes(in.aof_base_size_bytes);
  out->set_loading(in.loading);
  out->set_loading_loaded_bytes(in.loading_loaded_bytes);
  out->set_loading_total_bytes(in.loading_total_bytes);
  out->set_appendfsync(in.appendfsync);
}

void ToProto(const ClusterStatus& in, kvcache::v1::GetClusterStatusResponse* out) {
  out->set_epoch(in.epoch);
  out->set_digest(in.digest);
  out->set_node_id(in.node_id);
  out->set_cluster_id(in.cluster_id);
  out->set_synced(in.synced);
  out->set_vnodes(in.vnodes);
  out->set_slots_unserved(in.slots_unserved);
  for (const ClusterMemberInfo& m : in.members) ToProto(m, out->add_members());
}

void ToProto(const RingInfo& in, kvcache::v1::GetRingResponse* out) {
  out->set_epoch(in.epoch);
  out->set_vnodes(in.vnodes);
  for (const RingShare& share : in.shares) {
    auto* s = out->add_shares();
    s->set_node_id(share.node_id);
    s->set_slots(share.slots);
    s->set_percent(share.percent);
    s->set_ring_slots(share.ring_slots);
  }
  for (const SlotRange& range : in.ranges) {
    auto* r = out->add_ranges();
    r->set_first(range.first);
    r->set_last(range.last);
    r->set_node_id(range.node_id);
  }
}

void ToProto(const RingPlan& in, kvcache::v1::PlanRingChangeResponse* out) {
  out->set_epoch(in.epoch);
  for (const SlotMoveSummary& m : in.moves) ToProto(m, out->add_moves());
  for (const ClusterMemberInfo& m : in.members) ToProto(m, out->add_members());
}

void ToProto(const RingApplied& in, kvcache::v1::ApplyRingChangeResponse* out) {
  out->set_epoch(in.epoch);
  out->set_digest(in.digest);
  for (const SlotMoveSummary& m : in.moves) ToProto(m, out->add_moves());
}

void ToProto(const KeyLocation& in, kvcache::v1::WhereResponse* out) {
  out->set_slot(in.slot);
  out->set_node_id(in.node_id);
  out->set_resp_address(in.resp_address);
  out->set_admin_address(in.admin_address);
  out->set_epoch(in.epoch);
  out->set_migration(in.migration);
  out->set_reachable(in.reachable);
}

RingChange FromProto(const kvcache::v1::RingChangeRequest& in) {
  RingChange change;
  change.add.assign(in.add().begin(), in.add().end());
  change.remove.assign(in.remove().begin(), in.remove().end());
  if (in.has_if_epoch()) change.if_epoch = in.if_epoch();
  change.force = in.force();
  return change;
}

}  // namespace kv::admin
