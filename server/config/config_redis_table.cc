// The Redis 7.0 keys kvcache accepts beyond its own (config_table.cc), with Redis's types, defaults,
// bounds and aliases, so a redis.conf written for Redis 7.0 loads unchanged and CONFIG GET/SET
// round-trip its values. Keys whose help says "no effect" are stored and returned only: they
// configure things kvcache does not have (RDB, replication, the cluster bus, TLS, jemalloc...).

#include <climits>

#include "server/config/config.h"
#include "server/config/config_normalizers.h"

namespace kv {
namespace {

constexpr std::string_view kNoEffect = "accepted, no effect";
constexpr int64_t kIntMax = INT_MAX;
constexpr int64_t kLongMax = LLONG_MAX;

ConfigKey Bool(std::string_view name, std::string_view def, bool runtime = true,
               std::string_view alias = "", std::string_view help = kNoEffect) {
  return {.name = name, .type = ConfigType::kBool, .default_value = def,
          .mutable_at_runtime = runtime, .help = help, .alias = alias};
}

ConfigKey Int(std::string_view name, std::string_view def, int64_t min, int64_t max,
              bool runtime = true, std::string_view alias = "", std::string_view help = kNoEffect) {
  return {.name = name, .type = ConfigType::kInt, .default_value = def,
          .mutable_at_runtime = runtime, .min = min, .max = max, .help = help, .alias = alias};
}

ConfigKey Mem(std::string_view name, std::string_view def, int64_t min, int64_t max,
              std::string_view alias = "", std::string_view help = kNoEffect) {
  return {.name = name, .type = ConfigType::kMemory, .default_value = def,
          .mutable_at_runtime = true, .min = min, .max = max, .help = help, .alias = alias};
}

ConfigKey Str(std::string_view name, std::string_view def, bool runtime = true,
              std::string_view alias = "") {
  return {.name = name, .type = ConfigType::kString, .default_value = def,
          .mutable_at_runtime = runtime, .help = kNoEffect, .alias = alias};
}

ConfigKey Enum(std::string_view name, std::string_view def, std::string_view values,
               bool runtime = true) {
  return {.name = name, .type = ConfigType::kEnum, .default_value = def,
          .mutable_at_runtime = runtime, .enum_values = values, .help = kNoEffect};
}

ConfigKey Special(std::string_view name, std::string_view def, ConfigNormalizer normalize,
                  bool runtime = true, std::string_view alias = "",
                  std::string_view help = kNoEffect) {
  return {.name = name, .type = ConfigType::kString, .default_value = def,
          .mutable_at_runtime = runtime, .help = help, .alias = alias, .normalize = normalize};
}

ConfigKey Sensitive(ConfigKey key) {
  key.sensitive = true;
  return key;
}

ConfigKey Protected(ConfigKey key) {
  key.protected_config = true;
  return key;
}

}  // namespace

const std::vector<ConfigKey>& RedisCompatKeys() {
  static const std::vector<ConfigKey> kKeys = {
      // Keys kvcache implements.
      Special("client-output-buffer-limit",
              "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
              config::ClientOutputBufferLimit, true, "",
              "output limits per client class (kvcache enforces the pubsub hard limit)"),
      Int("hash-max-listpack-entries", "512", 0, kLongMax, true, "hash-max-ziplist-entries",
          "OBJECT ENCODING: largest listpack hash"),
      Mem("hash-max-listpack-value", "64", 0, kLongMax, "hash-max-ziplist-value",
          "OBJECT ENCODING: longest listpack hash field or value"),
      Int("list-max-listpack-size", "-2", INT_MIN, kIntMax, true, "list-max-ziplist-size",
          "list node size (OBJECT ENCODING of lists is always quicklist in Redis 7.0)"),
      Int("list-compress-depth", "0", 0, kIntMax, true, "", kNoEffect),
      Int("set-max-intset-entries", "512", 0, kLongMax, true, "",
          "OBJECT ENCODING: largest intset"),
      Int("zset-max-listpack-entries", "128", 0, kLongMax, true, "zset-max-ziplist-entries",
          "OBJECT ENCODING: largest listpack sorted set"),
      Mem("zset-max-listpack-value", "64", 0, kLongMax, "zset-max-ziplist-value",
          "OBJECT ENCODING: longest listpack sorted set member"),
      Int("busy-reply-threshold", "5000", 0, kLongMax, true, "lua-time-limit",
          "ms a script runs before other clients get -BUSY"),
      Int("slowlog-log-slower-than", "10000", -1, kLongMax, true, "",
          "SLOWLOG threshold in microseconds (-1: off)"),
      Int("slowlog-max-len", "128", 0, kLongMax, true, "", "SLOWLOG entries kept"),
      Int("latency-monitor-threshold", "0", 0, kLongMax, true, "",
          "LATENCY threshold in milliseconds (0: off)"),
      Int("tracking-table-max-keys", "1000000", 0, kLongMax, true, "",
          "keys remembered for client-side caching"),

      // Accepted, stored and returned; no effect in kvcache.
      Enum("acl-pubsub-default", "resetchannels", "allchannels resetchannels"),
      Str("aclfile", "", false),
      Int("acllog-max-len", "128", 0, kLongMax),
      Int("active-defrag-cycle-max", "25", 1, 99),
      Int("active-defrag-cycle-min", "1", 1, 99),
      Mem("active-defrag-ignore-bytes", "104857600", 1, kLongMax),
      Int("active-defrag-max-scan-fields", "1000", 1, kLongMax),
      Int("active-defrag-threshold-lower", "10", 0, 1000),
      Int("active-defrag-threshold-upper", "100", 0, 1000),
      Bool("activedefrag", "no"),
      Int("active-expire-effort", "1", 1, 10),
      Bool("activerehashing", "yes"),
      Bool("always-show-logo", "no", false),
      Bool("aof-disable-auto-gc", "no"),
      Bool("aof-rewrite-incremental-fsync", "yes"),
      Bool("aof-timestamp-enabled", "no"),
      Bool("aof-use-rdb-preamble", "yes"),
      Str("aof_rewrite_cpulist", "", false),
      Str("bgsave_cpulist", "", false),
      Str("bind-source-addr", ""),
      Str("bio_cpulist", "", false),
      Mem("client-query-buffer-limit", "1073741824", 1024 * 1024, kLongMax),
      Bool("cluster-allow-pubsubshard-when-down", "yes"),
      Bool("cluster-allow-reads-when-down", "no"),
      Bool("cluster-allow-replica-migration", "yes"),
      Int("cluster-announce-bus-port", "0", 0, 65535),
      Str("cluster-announce-hostname", ""),
      Str("cluster-announce-ip", ""),
      Int("cluster-announce-port", "0", 0, 65535),
      Int("cluster-announce-tls-port", "0", 0, 65535),
      Str("cluster-config-file", "nodes.conf", false),
      Bool("cluster-enabled", "no", false),
      Mem("cluster-link-sendbuf-limit", "0", 0, kLongMax),
      Int("cluster-migration-barrier", "1", 0, kIntMax),
      Int("cluster-node-timeout", "15000", 0, kLongMax),
      Int("cluster-port", "0", 0, 65535, false),
      Enum("cluster-preferred-endpoint-type", "ip", "ip hostname unknown-endpoint"),
      Bool("cluster-replica-no-failover", "no", true, "cluster-slave-no-failover"),
      Int("cluster-replica-validity-factor", "10", 0, kIntMax, true,
          "cluster-slave-validity-factor"),
      Bool("cluster-require-full-coverage", "yes"),
      Bool("crash-log-enabled", "yes"),
      Bool("crash-memcheck-enabled", "yes"),
      Protected(Str("dbfilename", "dump.rdb")),
      Bool("disable-thp", "yes"),
      Bool("dynamic-hz", "yes"),
      Enum("enable-module-command", "no", "no yes local", false),
      Enum("enable-protected-configs", "no", "no yes local", false),
      Mem("hll-sparse-max-bytes", "3000", 0, kLongMax),
      Str("ignore-warnings", ""),
      Bool("io-threads-do-reads", "no", false),
      Bool("jemalloc-bg-thread", "yes"),
      Bool("latency-tracking", "yes"),
      Special("latency-tracking-info-percentiles", "50 99 99.9", config::Percentiles),
      Bool("lazyfree-lazy-eviction", "no"),
      Bool("lazyfree-lazy-expire", "no"),
      Bool("lazyfree-lazy-server-del", "no"),
      Bool("lazyfree-lazy-user-del", "no"),
      Bool("lazyfree-lazy-user-flush", "no"),
      Int("lfu-decay-time", "1", 0, kIntMax),
      Int("lfu-log-factor", "10", 0, kIntMax),
      Sensitive(Str("masterauth", "")),
      Sensitive(Str("masteruser", "")),
      Mem("maxmemory", "0", 0, kLongMax),
      Special("maxmemory-clients", "0", config::MemoryOrPercent),
      Int("maxmemory-eviction-tenacity", "10", 0, 100),
      Enum("maxmemory-policy", "noeviction",
           "volatile-lru volatile-lfu volatile-random volatile-ttl allkeys-lru allkeys-lfu "
           "allkeys-random noeviction"),
      Int("maxmemory-samples", "5", 1, kIntMax),
      Int("min-replicas-max-lag", "10", 0, kIntMax, true, "min-slaves-max-lag"),
      Int("min-replicas-to-write", "0", 0, kIntMax, true, "min-slaves-to-write"),
      Bool("no-appendfsync-on-rewrite", "no"),
      Special("notify-keyspace-events", "", config::KeyspaceEvents),
      Enum("oom-score-adj", "no", "no yes relative absolute"),
      Special("oom-score-adj-values", "0 200 800", config::OomScoreAdjValues),
      Str("proc-title-template", "{title} {listen-addr} {server-mode}"),
      Enum("propagation-error-behavior", "ignore", "ignore panic panic-on-replicas"),
      Bool("protected-mode", "yes"),
      Bool("rdb-del-sync-files", "no"),
      Bool("rdb-save-incremental-fsync", "yes"),
      Bool("rdbchecksum", "yes", false),
      Bool("rdbcompression", "yes"),
      Mem("repl-backlog-size", "1048576", 1, kLongMax),
      Int("repl-backlog-ttl", "3600", 0, kLongMax),
      Bool("repl-disable-tcp-nodelay", "no"),
      Enum("repl-diskless-load", "disabled", "disabled on-empty-db swapdb"),
      Bool("repl-diskless-sync", "yes"),
      Int("repl-diskless-sync-delay", "5", 0, kIntMax),
      Int("repl-diskless-sync-max-replicas", "0", 0, kIntMax),
      Int("repl-ping-replica-period", "10", 1, kIntMax, true, "repl-ping-slave-period"),
      Int("repl-timeout", "60", 1, kIntMax),
      Str("replica-announce-ip", "", true, "slave-announce-ip"),
      Int("replica-announce-port", "0", 0, 65535, true, "slave-announce-port"),
      Bool("replica-announced", "yes"),
      Bool("replica-ignore-disk-write-errors", "no"),
      Bool("replica-ignore-maxmemory", "yes", true, "slave-ignore-maxmemory"),
      Bool("replica-lazy-flush", "no", true, "slave-lazy-flush"),
      Int("replica-priority", "100", 0, kIntMax, true, "slave-priority"),
      Bool("replica-read-only", "yes", true, "slave-read-only"),
      Bool("replica-serve-stale-data", "yes", true, "slave-serve-stale-data"),
      Special("replicaof", "", config::ReplicaOf, false, "slaveof"),
      Enum("sanitize-dump-payload", "no", "no yes clients"),
      Str("server_cpulist", "", false),
      Bool("set-proc-title", "yes", false),
      Special("shutdown-on-sigint", "default", config::ShutdownOnSignal),
      Special("shutdown-on-sigterm", "default", config::ShutdownOnSignal),
      Int("shutdown-timeout", "10", 0, kIntMax),
      Int("socket-mark-id", "0", 0, UINT_MAX),
      Bool("stop-writes-on-bgsave-error", "yes"),
      Mem("stream-node-max-bytes", "4096", 0, kLongMax),
      Int("stream-node-max-entries", "100", 0, kLongMax),
      Enum("supervised", "no", "upstart systemd auto no", false),
      Bool("syslog-enabled", "no", false),
      Enum("syslog-facility", "local0",
           "user local0 local1 local2 local3 local4 local5 local6 local7", false),
      Str("syslog-ident", "redis", false),
      Int("tcp-backlog", "511", 0, kIntMax, false),
      Int("tcp-keepalive", "300", 0, kIntMax),
      Enum("tls-auth-clients", "yes", "no yes optional"),
      Str("tls-ca-cert-dir", ""),
      Str("tls-ca-cert-file", ""),
      Str("tls-cert-file", ""),
      Str("tls-ciphers", ""),
      Str("tls-ciphersuites", ""),
      Str("tls-client-cert-file", ""),
      Str("tls-client-key-file", ""),
      Sensitive(Str("tls-client-key-file-pass", "")),
      Bool("tls-cluster", "no"),
      Str("tls-dh-params-file", ""),
      Str("tls-key-file", ""),
      Sensitive(Str("tls-key-file-pass", "")),
      Int("tls-port", "0", 0, 65535),
      Bool("tls-prefer-server-ciphers", "no"),
      Str("tls-protocols", ""),
      Bool("tls-replication", "no"),
      Int("tls-session-cache-size", "20480", 0, kIntMax),
      Int("tls-session-cache-timeout", "300", 0, kIntMax),
      Bool("tls-session-caching", "yes"),
      Str("unixsocket", "", false),
      Special("unixsocketperm", "0", config::OctalPermissions, false),
  };
  return kKeys;
}

}  // namespace kv
