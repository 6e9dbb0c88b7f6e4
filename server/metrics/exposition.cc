#include "server/metrics/exposition.h"

#include <algorithm>
#include <mutex>
#include <string_view>
#include <vector>

#include "server/base/clock.h"
#include "server/base/string_util.h"
#include "server/commands/blocking.h"
#include "server/commands/evictor.h"
#include "server/commands/lazy_free.h"
#include "server/commands/server_info.h"
#include "server/commands/server_state.h"

namespace kv {

namespace {

class Writer {
 public:
  // A metric family's HELP and TYPE lines.
  void Family(std::string_view name, std::string_view type, std::string_view help) {
    out_ += StrPrintf("# HELP %.*s %.*s\n# TYPE %.*s %.*s\n", int(name.size()), name.data(),
                      int(help.size()), help.data(), int(name.size()), name.data(),
                      int(type.size()), type.data());
  }
  void Sample(std::string_view name, std::string_view labels, double v) {
    out_.append(name);
    if (!labels.empty()) out_ += "{" + std::string(labels) + "}";
    out_ += " " + StrPrintf("%.17g", v) + "\n";
  }
  void One(std::string_view name, std::string_view type, std::string_view help, double v) {
    Family(name, type, help);
    Sample(name, "", v);
  }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

void CommandMetrics(ServerState& s, Writer& w) {
  // Histogram bounds: 1 us .. 16.8 s in powers of 4; CommandStats keeps quarter-powers of 2, so
  // bound 2^j us is the sum of buckets below 4j.
  constexpr int kBoundStep = 2, kBoundMax = 24;
  w.Family("kvcache_commands_total", "counter", "Commands executed, by command.");
  for (const CommandSpec* spec : s.commands.All()) {
    const uint64_t calls = s.commands.StatsOf(*spec).calls.load(std::memory_order_relaxed);
    if (calls > 0) w.Sample("kvcache_commands_total", "cmd=\"" + std::string(spec->name) + "\"", double(calls));
  }
  w.Family("kvcache_commands_failed_total", "counter",
           "Commands that answered an error, by command and stage (rejected before running, "
           "failed while running).");
  for (const CommandSpec* spec : s.commands.All()) {
    const CommandStats& st = s.commands.StatsOf(*spec);
    const std::string cmd = "cmd=\"" + std::string(spec->name) + "\"";
    if (uint64_t n = st.rejected_calls.load(std::memory_order_relaxed))
      w.Sample("kvcache_commands_failed_total", cmd + ",stage=\"rejected\"", double(n));
    if (uint64_t n = st.failed_calls.load(std::memory_order_relaxed))
      w.Sample("kvcache_commands_failed_total", cmd + ",stage=\"failed\"", double(n));
  }
  w.Family("kvcache_command_duration_seconds", "histogram", "Command execution time, by command.");
  for (const CommandSpec* spec : s.commands.All()) {
    const CommandStats& st = s.commands.StatsOf(*spec);
    const uint64_t calls = st.calls.load(std::memory_order_relaxed);
    if (calls == 0) continue;
    const std::string cmd = "cmd=\"" + std::string(spec->name) + "\"";
    uint64_t cumulative = 0;
    size_t bucket = 0;
    for (int j = 0; j <= kBoundMax; j += kBoundStep) {
      for (; bucket < static_cast<size_t>(4 * j) && bucket < CommandStats::kBuckets; ++bucket) {
        cumulative += st.latency[bucket].load(std::memory_order_relaxed);
      }
      w.Sample("kvcache_command_duration_seconds_bucket",
               cmd + StrPrintf(",le=\"%g\"", static_cast<double>(uint64_t{1} << j) / 1e6),
               double(cumulative));
    }
    for (; bucket < CommandStats::kBuckets; ++bucket) {
      cumulative += st.latency[bucket].load(std::memory_order_relaxed);
    }
    // The histogram and the call count are read apart: +Inf takes the larger so it never
    // falls below a finite bucket.
    const double count = double(std::max(cumulative, calls));
    w.Sample("kvcache_command_duration_seconds_bucket", cmd + ",le=\"+Inf\"", count);
    w.Sample("kvcache_command_duration_seconds_sum", cmd,
             double(st.usec.load(std::memory_order_relaxed)) / 1e6);
    w.Sample("kvcache_command_duration_seconds_count", cmd, count);
  }
}

void KeyspaceMetrics(ServerState& s, Writer& w) {
  Keyspace& ks = s.keyspace;
  uint64_t hits = 0, misses = 0, expired = 0;
  std::vector<size_t> keys(ks.num_dbs()), expiring(ks.num_dbs());
  for (size_t i = 0; i < ks.num_shards(); ++i) {
    Shard& shard = ks.shard(i);
    std::lock_guard lock(shard.mu);
    for (size_t d = 0; d < shard.dbs.size(); ++d) {
      const DbTable& t = shard.dbs[d];
      hits += t.hits;
      misses += t.misses;
      expired += t.expired;
      keys[d] += t.size();
      expiring[d] += t.expires_size();
    }
  }
  w.One("kvcache_keyspace_hits_total", "counter", "Key lookups that found the key.", double(hits));
  w.One("kvcache_keyspace_misses_total", "counter", "Key lookups that did not.", double(misses));
  w.One("kvcache_expired_keys_total", "counter", "Keys deleted because their deadline passed.",
        double(expired));
  w.One("kvcache_evicted_keys_total", "counter", "Keys evicted to stay under maxmemory.",
        double(s.evictor ? s.evictor->evicted_keys() : 0));
  w.Family("kvcache_db_keys", "gauge", "Keys, by database (databases with keys only).");
  for (size_t d = 0; d < keys.size(); ++d) {
    if (keys[d] > 0) w.Sample("kvcache_db_keys", StrPrintf("db=\"%zu\"", d), double(keys[d]));
  }
  w.Family("kvcache_db_keys_expiring", "gauge", "Keys with a deadline, by database.");
  for (size_t d = 0; d < keys.size(); ++d) {
    if (keys[d] > 0) w.Sample("kvcache_db_keys_expiring", StrPrintf("db=\"%zu\"", d), double(expiring[d]));
  }
}

void AofMetrics(ServerState& s, Writer& w) {
  // The AOF module's INFO lines, as gauges: numbers as they are, statuses as 1 (ok) or 0.
  std::string info;
  AppendPersistenceInfo(s, &info);
  static constexpr std::pair<std::string_view, std::string_view> kExported[] = {
      {"loading", "1 while the AOF loads."},
      {"aof_enabled", "1 when appendonly is on."},
      {"aof_rewrite_in_progress", "1 while an AOF rewrite runs."},
      {"aof_rewrites", "AOF rewrites since start."},
      {"aof_last_bgrewrite_status", "1 when the last AOF rewrite succeeded."},
      {"aof_last_write_status", "1 when the last AOF write succeeded (0: writes are refused)."},
      {"aof_current_size", "Size of the AOF in bytes."},
  };
  std::string_view rest = info;
  while (!rest.empty()) {
    const size_t eol = rest.find("\r\n");
    const std::string_view line = rest.substr(0, eol);
    rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 2);
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view name = line.substr(0, colon), value = line.substr(colon + 1);
    for (const auto& [exported, help] : kExported) {
      if (name != exported) continue;
      double v = value == "ok" ? 1 : value == "err" ? 0 : double(ParseInt64(value).value_or(0));
      const std::string metric =
          "kvcache_" + std::string(name.starts_with("aof_") ? "" : "aof_") + std::string(name) +
          (name == "aof_rewrites" ? "_total" : name == "aof_current_size" ? "_bytes" : "");
      w.One(metric, name == "aof_rewrites" ? "counter" : "gauge", help, v);
    }
  }
}

}  // namespace

std::string RenderMetrics(ServerState& s) {
  Writer w;
  w.One("kvcache_uptime_seconds", "gauge", "Seconds since the node started.",
        double(UnixMillis() - s.start_time_ms) / 1000);
  CommandMetrics(s, w);
  KeyspaceMetrics(s, w);
  w.One("kvcache_memory_used_bytes", "gauge", "Bytes allocated (jemalloc's stats.allocated).",
        double(UsedMemory()));
  w.One("kvcache_memory_rss_bytes", "gauge", "Resident set size of the process.",
        double(ResidentBytes()));
  w.One("kvcache_memory_max_bytes", "gauge", "maxmemory (0: no limit).",
        double(s.config.GetInt("maxmemory")));
  w.One("kvcache_lazyfree_pending_objects", "gauge", "Values waiting for the background freer.",
        double(s.lazy_free ? s.lazy_free->pending() : 0));
  w.One("kvcache_connected_clients", "gauge", "Client connections.", double(s.clients.size()));
  w.One("kvcache_blocked_clients", "gauge", "Clients blocked in BLPOP and the like.",
        double(s.blocking ? s.blocking->blocked_clients() : 0));
  w.One("kvcache_connections_received_total", "counter", "Connections accepted.",
        double(s.stats.connections_received.load(std::memory_order_relaxed)));
  w.One("kvcache_net_input_bytes_total", "counter", "Bytes read from clients.",
        double(s.stats.net_input_bytes.load(std::memory_order_relaxed)));
  w.One("kvcache_net_output_bytes_total", "counter", "Bytes written to clients.",
        double(s.stats.net_output_bytes.load(std::memory_order_relaxed)));
  AofMetrics(s, w);
  return w.Take();
}

}  // namespace kv
