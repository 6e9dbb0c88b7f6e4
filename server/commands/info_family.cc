// INFO [section ...]: Redis 7's sections and field names, so that monitoring scripts and client
// libraries that parse INFO keep working. Fields kvcache has no equivalent for are omitted unless
// common tools read them, in which case they carry Redis's neutral value.

#include <absl/container/flat_hash_set.h>
#include <malloc.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <type_traits>
#include <vector>

#include "server/base/string_util.h"
#include "server/commands/blocking.h"
#include "server/commands/command_context.h"
#include "server/commands/cluster_routing.h"
#include "server/commands/command_registry.h"
#include "server/commands/evictor.h"
#include "server/commands/lazy_free.h"
#include "server/commands/memory_meter.h"
#include "server/commands/pubsub.h"
#include "server/commands/server_info.h"

// Resolved only when jemalloc is linked in (kv-server links it; unit tests do not). Debian's
// jemalloc is unprefixed, so when mallctl exists jemalloc is also the malloc in use.
extern "C" int mallctl(const char* name, void* oldp, size_t* oldlenp, void* newp, size_t newlen)
    __attribute__((weak));

namespace kv {

uint64_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  uint64_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

uint64_t UsedMemory() {
  if (mallctl != nullptr) {
    // Statistics are cached by jemalloc; bumping the epoch refreshes them.
    uint64_t epoch = 1;
    size_t len = sizeof(epoch);
    mallctl("epoch", &epoch, &len, &epoch, len);
    size_t allocated = 0;
    len = sizeof(allocated);
    if (mallctl("stats.allocated", &allocated, &len, nullptr, 0) == 0) return allocated;
  }
  struct mallinfo2 mi = mallinfo2();
  if (uint64_t used = mi.uordblks + mi.hblkhd; used != 0) return used;
  // An allocator without statistics (AddressSanitizer's answers zeros): the resident set is the
  // closest figure we have, and a node never uses no memory.
  return ResidentBytes();
}

std::string AllocatorName() {
  if (mallctl != nullptr) {
    const char* version = nullptr;
    size_t len = sizeof(version);
    if (mallctl("version", &version, &len, nullptr, 0) == 0 && version != nullptr) {
      std::string v(version);
      return "jemalloc-" + v.substr(0, v.find('-'));
    }
  }
  return "libc";
}

std::string BytesToHuman(uint64_t n) {
  double d = static_cast<double>(n);
  if (n < 1024) return std::to_string(n) + "B";
  if (n < 1024ULL * 1024) return StrPrintf("%.2fK", d / 1024);
  if (n < 1024ULL * 1024 * 1024) return StrPrintf("%.2fM", d / (1024.0 * 1024));
  if (n < 1024ULL * 1024 * 1024 * 1024) return StrPrintf("%.2fG", d / (1024.0 * 1024 * 1024));
  return StrPrintf("%.2fT", d / (1024.0 * 1024 * 1024 * 1024));
}

void SampleServerStats(ServerState& server, int64_t now_ms) {
  const ServerStats& s = server.stats;
  server.sampler.Sample(now_ms, {s.commands_processed.load(std::memory_order_relaxed),
                                 s.net_input_bytes.load(std::memory_order_relaxed),
                                 s.net_output_bytes.load(std::memory_order_relaxed)});
  server.sampler.NotePeakMemory(UsedMemory());
}

void ResetServerStats(ServerState& server) {
  for (const CommandSpec* spec : server.commands.All()) {
    CommandStats& st = server.commands.StatsOf(*spec);
    st.calls = 0;
    st.usec = 0;
    st.rejected_calls = 0;
    st.failed_calls = 0;
    for (auto& bucket : st.latency) bucket = 0;
  }
  ServerStats& s = server.stats;
  s.connections_received = 0;
  s.rejected_connections = 0;
  s.commands_processed = 0;
  s.net_input_bytes = 0;
  s.net_output_bytes = 0;
  s.protocol_errors = 0;
  server.sampler.ResetPeakMemory();
  if (server.evictor) server.evictor->ResetStats();
  Keyspace& ks = server.keyspace;
  ShardLocks locks = ShardLocks::AllUnlessHeld(ks);  // inside EXEC they are held already
  for (size_t i = 0; i < ks.num_shards(); ++i) {
    for (DbTable& db : ks.shard(i).dbs) db.hits = db.misses = db.expired = 0;
  }
}

namespace {

template <typename T>
std::string Line(std::string_view key, const T& value) {
  std::string out(key);
  out += ':';
  if constexpr (std::is_arithmetic_v<T>) {
    out += std::to_string(value);
  } else {
    out += std::string_view(value);
  }
  out += "\r\n";
  return out;
}

template <typename... Lines>
void AppendAll(std::string* out, const Lines&... lines) {
  (out->append(lines), ...);
}

std::string CpuTime(const timeval& tv) {
  return StrPrintf("%ld.%06ld", static_cast<long>(tv.tv_sec), static_cast<long>(tv.tv_usec));
}

// Every INFO section runs under the dispatcher's locks of all shards (the command is kAllShards),
// so keyspace counters are read without taking shard locks again.
void ServerSection(ServerState& s, int64_t now_ms, std::string* out) {
  utsname un{};
  uname(&un);
  char exe[4096] = {};
  ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  if (n < 0) n = 0;
  int64_t uptime = (now_ms - s.start_time_ms) / 1000;
  int64_t io_threads = s.config.GetInt("io-threads");
  AppendAll(
      out, Line("redis_version", "7.0.15"), Line("kvcache_version", "0.1.0"),
      Line("redis_git_sha1", "00000000"), Line("redis_git_dirty", 0), Line("redis_build_id", "0"),
      Line("redis_mode", s.cluster ? "cluster" : "standalone"),
      Line("os", StrPrintf("%s %s %s", un.sysname, un.release, un.machine)),
      Line("arch_bits", sizeof(void*) * 8), Line("monotonic_clock", "POSIX clock_gettime"),
      Line("multiplexing_api", "epoll"), Line("atomicvar_api", "c11-builtin"),
      Line("gcc_version", StrPrintf("%d.%d.%d", __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__)),
      Line("process_id", getpid()), Line("process_supervised", "no"), Line("run_id", s.run_id),
      Line("tcp_port", s.tcp_port));
  AppendAll(out, Line("server_time_usec", now_ms * 1000), Line("uptime_in_seconds", uptime),
            Line("uptime_in_days", uptime / 86400), Line("hz", s.config.GetInt("hz")),
            Line("configured_hz", s.config.GetInt("hz")),
            Line("executable", std::string_view(exe, static_cast<size_t>(n))),
            Line("config_file", s.config.config_file()),
            Line("io_threads_active", io_threads > 1 ? 1 : 0), Line("io_threads", io_threads),
            Line("shards", s.keyspace.num_shards()));
}

void ClientsSection(ServerState& s, std::string* out) {
  AppendAll(out, Line("connected_clients", s.clients.size()), Line("cluster_connections", 0),
            Line("maxclients", s.config.maxclients()), Line("client_recent_max_input_buffer", 0),
            Line("client_recent_max_output_buffer", 0),
            Line("blocked_clients", s.blocking ? s.blocking->blocked_clients() : 0),
            Line("tracking_clients", 0), Line("clients_in_timeout_table", 0));
}

void MemorySection(ServerState& s, std::string* out) {
  const MemoryReading reading = MemoryMeter::Read([&s] { return NotCountedByMaxmemory(s); });
  const auto used = static_cast<uint64_t>(reading.allocated);
  uint64_t peak = s.sampler.NotePeakMemory(used);
  uint64_t rss = ResidentBytes();
  const auto maxmemory = static_cast<uint64_t>(s.config.GetInt("maxmemory"));
  uint64_t total =
      static_cast<uint64_t>(sysconf(_SC_PHYS_PAGES)) * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  AppendAll(
      out, Line("used_memory", used), Line("used_memory_human", BytesToHuman(used)),
      Line("used_memory_rss", rss), Line("used_memory_rss_human", BytesToHuman(rss)),
      Line("used_memory_peak", peak), Line("used_memory_peak_human", BytesToHuman(peak)),
      Line("used_memory_peak_perc",
           StrPrintf("%.2f%%",
                     peak ? 100.0 * static_cast<double>(used) / static_cast<double>(peak) : 100.0)),
      Line("total_system_memory", total), Line("total_system_memory_human", BytesToHuman(total)),
      Line("maxmemory", maxmemory), Line("maxmemory_human", BytesToHuman(maxmemory)),
      Line("maxmemory_policy", s.config.Get("maxmemory-policy")),
      Line("used_memory_lua", 0), Line("used_memory_scripts", 0),
      Line("mem_fragmentation_bytes", static_cast<int64_t>(rss) - static_cast<int64_t>(used)),
      Line("mem_aof_buffer", reading.not_counted),
      Line("lazyfree_pending_objects", s.lazy_free ? s.lazy_free->pending() : 0),
      Line("mem_fragmentation_ratio",
           StrPrintf("%.2f", used ? static_cast<double>(rss) / static_cast<double>(used) : 0.0)),
      Line("mem_allocator", AllocatorName()));
}

void StatsSection(ServerState& s, std::string* out) {
  const ServerStats& st = s.stats;
  uint64_t hits = 0, misses = 0, expired = 0;
  Keyspace& ks = s.keyspace;
  for (size_t i = 0; i < ks.num_shards(); ++i) {
    for (const DbTable& db : ks.shard(i).dbs) {
      hits += db.hits;
      misses += db.misses;
      expired += db.expired;
    }
  }
  uint64_t errors = 0;
  for (const CommandSpec* spec : s.commands.All()) {
    const CommandStats& cs = s.commands.StatsOf(*spec);
    errors += cs.failed_calls.load(std::memory_order_relaxed) +
              cs.rejected_calls.load(std::memory_order_relaxed);
  }
  const StatsSampler& sm = s.sampler;
  AppendAll(out, Line("total_connections_received", st.connections_received.load()),
            Line("total_commands_processed", st.commands_processed.load()),
            Line("instantaneous_ops_per_sec",
                 static_cast<uint64_t>(sm.PerSecond(StatsSampler::kOps) + 0.5)),
            Line("total_net_input_bytes", st.net_input_bytes.load()),
            Line("total_net_output_bytes", st.net_output_bytes.load()),
            Line("instantaneous_input_kbps",
                 StrPrintf("%.2f", sm.PerSecond(StatsSampler::kNetInput) / 1024)),
            Line("instantaneous_output_kbps",
                 StrPrintf("%.2f", sm.PerSecond(StatsSampler::kNetOutput) / 1024)),
            Line("rejected_connections", st.rejected_connections.load()), Line("sync_full", 0),
            Line("sync_partial_ok", 0), Line("sync_partial_err", 0), Line("expired_keys", expired),
            Line("expired_stale_perc", "0.00"), Line("expired_time_cap_reached_count", 0),
            Line("evicted_keys", s.evictor ? s.evictor->evicted_keys() : 0),
            Line("evicted_clients", 0),
            Line("lazyfreed_objects", s.lazy_free ? s.lazy_free->freed() : 0),
            Line("keyspace_hits", hits), Line("keyspace_misses", misses),
            Line("pubsub_channels", s.pubsub ? s.pubsub->channel_count() : 0),
            Line("pubsub_patterns", s.pubsub ? s.pubsub->NumPatterns() : 0),
            Line("latest_fork_usec", 0), Line("total_forks", 0), Line("migrate_cached_sockets", 0),
            Line("total_error_replies", errors), Line("unexpected_error_replies", 0),
            Line("protocol_errors", st.protocol_errors.load()));
}

void ReplicationSection(ServerState& s, std::string* out) {
  AppendAll(out, Line("role", "master"), Line("connected_slaves", 0),
            Line("master_failover_state", "no-failover"), Line("master_replid", s.run_id),
            Line("master_replid2", std::string(40, '0')), Line("master_repl_offset", 0),
            Line("second_repl_offset", -1), Line("repl_backlog_active", 0),
            Line("repl_backlog_size", 1048576), Line("repl_backlog_first_byte_offset", 0),
            Line("repl_backlog_histlen", 0));
}

void CpuSection(std::string* out) {
  rusage self{}, children{};
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &children);
  AppendAll(out, Line("used_cpu_sys", CpuTime(self.ru_stime)),
            Line("used_cpu_user", CpuTime(self.ru_utime)),
            Line("used_cpu_sys_children", CpuTime(children.ru_stime)),
            Line("used_cpu_user_children", CpuTime(children.ru_utime)));
}

void CommandStatsSection(ServerState& s, std::string* out) {
  for (const CommandSpec* spec : s.commands.All()) {
    const CommandStats& cs = s.commands.StatsOf(*spec);
    uint64_t calls = cs.calls.load(std::memory_order_relaxed);
    uint64_t rejected = cs.rejected_calls.load(std::memory_order_relaxed);
    uint64_t failed = cs.failed_calls.load(std::memory_order_relaxed);
    if (calls == 0 && rejected == 0 && failed == 0) continue;
    uint64_t usec = cs.usec.load(std::memory_order_relaxed);
    out->append(StrPrintf(
        "cmdstat_%s:calls=%llu,usec=%llu,usec_per_call=%.2f,rejected_calls=%llu,failed_calls=%"
        "llu\r\n",
        std::string(spec->name).c_str(), static_cast<unsigned long long>(calls),
        static_cast<unsigned long long>(usec),
        calls ? static_cast<double>(usec) / static_cast<double>(calls) : 0.0,
        static_cast<unsigned long long>(rejected), static_cast<unsigned long long>(failed)));
  }
}

void LatencyStatsSection(ServerState& s, std::string* out) {
  for (const CommandSpec* spec : s.commands.All()) {
    const CommandStats& cs = s.commands.StatsOf(*spec);
    if (cs.calls.load(std::memory_order_relaxed) == 0) continue;
    out->append(StrPrintf("latency_percentiles_usec_%s:p50=%.3f,p99=%.3f,p99.9=%.3f\r\n",
                          std::string(spec->name).c_str(),
                          static_cast<double>(cs.PercentileMicros(50)),
                          static_cast<double>(cs.PercentileMicros(99)),
                          static_cast<double>(cs.PercentileMicros(99.9))));
  }
}

void KeyspaceSection(ServerState& s, std::string* out) {
  Keyspace& ks = s.keyspace;
  for (size_t db = 0; db < ks.num_dbs(); ++db) {
    size_t keys = ks.KeyCountLocked(db);
    if (keys == 0) continue;
    out->append(
        StrPrintf("db%zu:keys=%zu,expires=%zu,avg_ttl=0\r\n", db, keys, ks.ExpiresCountLocked(db)));
  }
}

// cluster_enabled as Redis; in cluster mode also what an operator checks first.
void ClusterSection(ServerState& s, std::string* out) {
  if (!s.cluster) return AppendAll(out, Line("cluster_enabled", 0));
  cluster::RoutingPtr t = s.cluster->table();
  if (!t) t = std::make_shared<cluster::RoutingTable>();
  size_t owned = 0;
  for (int16_t o : t->slot_owner) owned += o != cluster::kNoOwner && o == t->self;
  size_t up = 0;
  for (bool r : t->reachable) up += r;
  AppendAll(out, Line("cluster_enabled", 1));
  out->append(StrPrintf("cluster_state:%s\r\ncluster_epoch:%llu\r\ncluster_members:%zu\r\n"
                        "cluster_members_reachable:%zu\r\ncluster_slots_owned:%zu\r\n"
                        "cluster_synced:%d\r\n",
                        t->serving() ? "ok" : "fail", static_cast<unsigned long long>(t->epoch),
                        t->members.size(), up, owned, t->serving() ? 1 : 0));
}

struct Section {
  std::string_view name;    // lower case, as asked for in INFO <section>
  std::string_view header;  // as printed
  bool in_default;
};

constexpr Section kSections[] = {
    {"server", "Server", true},
    {"clients", "Clients", true},
    {"memory", "Memory", true},
    {"persistence", "Persistence", true},
    {"stats", "Stats", true},
    {"replication", "Replication", true},
    {"cpu", "CPU", true},
    {"modules", "Modules", true},
    {"commandstats", "Commandstats", false},
    {"errorstats", "Errorstats", true},
    {"latencystats", "Latencystats", false},
    {"cluster", "Cluster", true},
    {"keyspace", "Keyspace", true},
};

void AppendSection(ServerState& s, std::string_view name, int64_t now_ms, std::string* out) {
  if (name == "server") return ServerSection(s, now_ms, out);
  if (name == "clients") return ClientsSection(s, out);
  if (name == "memory") return MemorySection(s, out);
  if (name == "persistence") return AppendPersistenceInfo(s, out);
  if (name == "stats") return StatsSection(s, out);
  if (name == "replication") return ReplicationSection(s, out);
  if (name == "cpu") return CpuSection(out);
  if (name == "commandstats") return CommandStatsSection(s, out);
  if (name == "latencystats") return LatencyStatsSection(s, out);
  if (name == "cluster") return ClusterSection(s, out);
  if (name == "keyspace") return KeyspaceSection(s, out);
  // modules, errorstats: nothing to report, the header alone as in Redis.
}

void CmdInfo(CommandContext& ctx, ArgList args) {
  absl::flat_hash_set<std::string> asked;
  bool all = false, defaults = args.size() == 1;
  for (size_t i = 1; i < args.size(); ++i) {
    std::string name = ToLower(args[i]);
    if (name == "all" || name == "everything") {
      all = true;
    } else if (name == "default") {
      defaults = true;
    } else {
      asked.insert(std::move(name));
    }
  }
  std::string out;
  for (const Section& sec : kSections) {
    bool wanted = all || (defaults && sec.in_default) || asked.contains(std::string(sec.name));
    if (!wanted) continue;
    if (!out.empty()) out += "\r\n";
    out.append("# ").append(sec.header).append("\r\n");
    AppendSection(ctx.server, sec.name, ctx.now_ms, &out);
  }
  ctx.rb.Verbatim(out);
}

}  // namespace

void RegisterInfoFamily(CommandRegistry& r) {
  // kAllShards: keyspace counters and sizes are read under every shard's lock.
  r.Add({"info", -1, kLoading | kAllShards, 0, 0, 0, CmdInfo});
}

}  // namespace kv
