#include "ctl/render.h"

#include <fmt/format.h>

#include <algorithm>

#include "ctl/format.h"
#include "ctl/table.h"

namespace kv::ctl {

namespace v1 = kvcache::v1;
using nlohmann::json;
using Align = Table::Align;

json ToJson(const v1::NodeInfo& info) {
  json keyspace = json::array();
  for (const auto& db : info.keyspace()) {
    keyspace.push_back({{"db", db.db()}, {"keys", db.keys()}, {"expires", db.expires()}});
  }
  return {
      {"version", info.version()},
      {"node_id", info.node_id()},
      {"role", info.role()},
      {"process_id", info.process_id()},
      {"uptime_seconds", info.uptime_seconds()},
      {"resp_address", info.resp_address()},
      {"admin_address", info.admin_address()},
      {"connected_clients", info.connected_clients()},
      {"used_memory_bytes", info.used_memory_bytes()},
      {"used_memory_rss_bytes", info.used_memory_rss_bytes()},
      {"ops_per_sec", info.ops_per_sec()},
      {"keyspace", keyspace},
  };
}

json ToJson(const v1::GetStatsResponse& stats) {
  json commands = json::array();
  for (const auto& c : stats.commands()) {
    commands.push_back({{"name", c.name()},
                        {"calls", c.calls()},
                        {"usec", c.usec()},
                        {"p99_usec", c.p99_usec()},
                        {"rejected_calls", c.rejected_calls()},
                        {"failed_calls", c.failed_calls()}});
  }
  const auto& k = stats.keyspace();
  return {
      {"commands", commands},
      {"keyspace",
       {{"hits", k.hits()},
        {"misses", k.misses()},
        {"expired", k.expired()},
        {"evicted", k.evicted()}}},
      {"total_commands_processed", stats.total_commands_processed()},
      {"total_connections_received", stats.total_connections_received()},
  };
}

json ToJson(const v1::PersistenceStatus& p) {
  return {
      {"aof_enabled", p.aof_enabled()},
      {"aof_rewrite_in_progress", p.aof_rewrite_in_progress()},
      {"aof_rewrite_scheduled", p.aof_rewrite_scheduled()},
      {"aof_last_rewrite_time_seconds", p.aof_last_rewrite_time_seconds()},
      {"aof_current_rewrite_time_seconds", p.aof_current_rewrite_time_seconds()},
      {"aof_last_bgrewrite_status", p.aof_last_bgrewrite_status()},
      {"aof_last_write_status", p.aof_last_write_status()},
      {"aof_rewrites", p.aof_rewrites()},
      {"aof_current_size_bytes", p.aof_current_size_bytes()},
      {"aof_base_size_bytes", p.aof_base_size_bytes()},
      {"loading", p.loading()},
      {"loading_loaded_bytes", p.loading_loaded_bytes()},
      {"loading_total_bytes", p.loading_total_bytes()},
      {"appendfsync", p.appendfsync()},
  };
}

std::string RenderNodeInfo(const v1::NodeInfo& info) {
  Table t({});
  t.AddRow({"version", info.version()});
  t.AddRow({"node id", info.node_id()});
  t.AddRow({"role", info.role()});
  t.AddRow({"pid", std::to_string(info.process_id())});
  t.AddRow({"uptime", HumanDuration(info.uptime_seconds())});
  t.AddRow({"resp address", info.resp_address()});
  t.AddRow({"admin address", info.admin_address()});
  t.AddRow({"clients", std::to_string(info.connected_clients())});
  t.AddRow({"used memory", HumanBytes(info.used_memory_bytes())});
  t.AddRow({"rss", HumanBytes(info.used_memory_rss_bytes())});
  t.AddRow({"throughput", HumanRate(info.ops_per_sec())});
  std::string out = t.Render();
  if (info.keyspace_size() > 0) {
    Table ks({"DB", "KEYS", "EXPIRES"}, {Align::kLeft, Align::kRight, Align::kRight});
    for (const auto& db : info.keyspace()) {
      ks.AddRow({fmt::format("db{}", db.db()), HumanCount(static_cast<double>(db.keys())),
                 HumanCount(static_cast<double>(db.expires()))});
    }
    out += "\n" + ks.Render();
  } else {
    out += "\nno keys\n";
  }
  return out;
}

std::string RenderStats(const v1::GetStatsResponse& stats) {
  Table t({"COMMAND", "CALLS", "TOTAL", "AVG", "P99", "REJECTED", "FAILED"},
          {Align::kLeft, Align::kRight, Align::kRight, Align::kRight, Align::kRight, Align::kRight,
           Align::kRight});
  for (const auto& c : stats.commands()) {
    const double avg = c.calls() > 0 ? static_cast<double>(c.usec()) / c.calls() : 0;
    t.AddRow({c.name(), HumanCount(static_cast<double>(c.calls())),
              HumanMicros(static_cast<double>(c.usec())), HumanMicros(avg),
              HumanMicros(c.p99_usec()), HumanCount(static_cast<double>(c.rejected_calls())),
              HumanCount(static_cast<double>(c.failed_calls()))});
  }
  const auto& k = stats.keyspace();
  Table ks({});
  ks.AddRow(
      {"keyspace hits", HumanCount(static_cast<double>(k.hits())),
       HumanPercent(static_cast<double>(k.hits()), static_cast<double>(k.hits() + k.misses())) +
           " hit ratio"});
  ks.AddRow({"keyspace misses", HumanCount(static_cast<double>(k.misses()))});
  ks.AddRow({"expired keys", HumanCount(static_cast<double>(k.expired()))});
  ks.AddRow({"evicted keys", HumanCount(static_cast<double>(k.evicted()))});
  ks.AddRow(
      {"commands processed", HumanCount(static_cast<double>(stats.total_commands_processed()))});
  ks.AddRow({"connections received",
             HumanCount(static_cast<double>(stats.total_connections_received()))});
  return t.Render() + "\n" + ks.Render();
}

std::string RenderPersistence(const v1::PersistenceStatus& p) {
  auto yes_no = [](bool b) { return std::string(b ? "yes" : "no"); };
  auto seconds = [](int64_t s) { return s < 0 ? std::string("-") : HumanDuration(s); };
  Table t({});
  t.AddRow({"appendonly", yes_no(p.aof_enabled())});
  t.AddRow({"appendfsync", p.appendfsync().empty() ? "-" : p.appendfsync()});
  t.AddRow({"aof size", HumanBytes(p.aof_current_size_bytes())});
  t.AddRow({"aof base size", HumanBytes(p.aof_base_size_bytes())});
  t.AddRow({"rewrite in progress", yes_no(p.aof_rewrite_in_progress())});
  t.AddRow({"rewrite scheduled", yes_no(p.aof_rewrite_scheduled())});
  t.AddRow({"current rewrite time", seconds(p.aof_current_rewrite_time_seconds())});
  t.AddRow({"last rewrite time", seconds(p.aof_last_rewrite_time_seconds())});
  t.AddRow({"last rewrite status", p.aof_last_bgrewrite_status()});
  t.AddRow({"last write status", p.aof_last_write_status()});
  t.AddRow({"rewrites", std::to_string(p.aof_rewrites())});
  if (p.loading()) {
    t.AddRow({"loading", fmt::format("{} of {} ({})", HumanBytes(p.loading_loaded_bytes()),
                                     HumanBytes(p.loading_total_bytes()),
                                     HumanPercent(static_cast<double>(p.loading_loaded_bytes()),
                                                  static_cast<double>(p.loading_total_bytes())))});
  } else {
    t.AddRow({"loading", "no"});
  }
  return t.Render();
}

void KeepTopCommands(v1::GetStatsResponse* stats, int n) {
  auto* commands = stats->mutable_commands();
  std::sort(commands->begin(), commands->end(), [](const auto& a, const auto& b) {
    if (a.calls() != b.calls()) return a.calls() > b.calls();
    return a.name() < b.name();
  });
  if (n > 0 && commands->size() > n) {
    commands->DeleteSubrange(n, commands->size() - n);
  }
}

}  // namespace kv::ctl
