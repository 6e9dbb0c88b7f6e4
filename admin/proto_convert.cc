#include "admin/proto_convert.h"

namespace kv::admin {

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

}  // namespace kv::admin
