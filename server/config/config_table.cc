#include "server/config/config.h"

#include "server/config/config_normalizers.h"

namespace kv {

// Redis's names wherever Redis has the setting, so operators' existing configs and scripts work.
namespace {

const std::vector<ConfigKey>& KvcacheKeys() {
  static const std::vector<ConfigKey> kTable = {
      {"bind", ConfigType::kString, "127.0.0.1", false, 0, 0, "", false,
       "RESP listen addresses (kv-server listens on the first)", "", config::Bind},
      {"port", ConfigType::kInt, "6379", false, 0, 65535, "", false, "RESP port (0 = any free)"},
      {"databases", ConfigType::kInt, "16", false, 1, 1024, "", false, "logical databases"},
      {"requirepass", ConfigType::kString, "", true, 0, 0, "", true, "password for AUTH"},
      {"maxclients", ConfigType::kInt, "10000", true, 1, 1000000, "", false, "client limit"},
      // At most 4 GiB - 1: an entry stores its key's length in 32 bits (server/db/entry.h).
      {"proto-max-bulk-len", ConfigType::kMemory, "536870912", true, 1024 * 1024, UINT32_MAX, "",
       false, "largest bulk string a client may send"},
      {"hll-sparse-max-bytes", ConfigType::kMemory, "3000", true, 0, INT64_MAX, "", false,
       "largest sparse HyperLogLog before it turns dense"},
      {"io-threads", ConfigType::kInt, "1", false, 1, 64, "", false, "RESP I/O threads"},
      {"shards", ConfigType::kInt, "64", false, 1, 4096, "", false, "keyspace lock stripes"},
      {"loglevel", ConfigType::kEnum, "notice", true, 0, 0, "debug verbose notice warning", false,
       "log verbosity"},
      {"logfile", ConfigType::kString, "", false, 0, 0, "", false, "log file (empty: stderr)"},
      {"hz", ConfigType::kInt, "10", true, INT32_MIN, INT32_MAX, "", false,
       "background task frequency (clamped to 1..500)", "", config::ClampHz},
      {"timeout", ConfigType::kInt, "0", true, 0, INT32_MAX, "", false, "idle client timeout (s)"},
      {"dir", ConfigType::kString, ".", false, 0, 0, "", false, "working directory (AOF, node id)",
       "", nullptr, /*protected_config=*/true},
      {"appendonly", ConfigType::kBool, "no", true, 0, 0, "", false, "enable the AOF"},
      {"appendfilename", ConfigType::kString, "appendonly.aof", false, 0, 0, "", false,
       "AOF base name"},
      {"appenddirname", ConfigType::kString, "appendonlydir", false, 0, 0, "", false,
       "AOF directory"},
      {"appendfsync", ConfigType::kEnum, "everysec", true, 0, 0, "everysec always no", false,
       "AOF fsync policy"},
      {"aof-load-truncated", ConfigType::kBool, "yes", true, 0, 0, "", false,
       "load an AOF with a truncated tail"},
      {"auto-aof-rewrite-percentage", ConfigType::kInt, "100", true, 0, INT32_MAX, "", false,
       "growth that triggers a rewrite"},
      {"auto-aof-rewrite-min-size", ConfigType::kMemory, "67108864", true, 0, INT64_MAX, "", false,
       "smallest AOF that is rewritten automatically"},
      {"save", ConfigType::kString, "", true, 0, 0, "", false,
       "accepted for compatibility; no RDB", "", config::Save},
      {"daemonize", ConfigType::kBool, "no", false, 0, 0, "", false,
       "fork into the background at start-up (writes pidfile)"},
      {"pidfile", ConfigType::kString, "", false, 0, 0, "", false,
       "file the process id is written to (daemonized: /var/run/redis.pid when empty)"},
      {"enable-debug-command", ConfigType::kEnum, "no", false, 0, 0, "no yes local", false,
       "allow DEBUG (local: from loopback clients only)"},
      {"maxmemory", ConfigType::kMemory, "0", true, 0, INT64_MAX, "", false,
       "memory limit in bytes (0 = none); over it writes evict or answer OOM"},
      {"maxmemory-policy", ConfigType::kEnum, "noeviction", true, 0, 0,
       "volatile-lru volatile-lfu volatile-random volatile-ttl allkeys-lru allkeys-lfu "
       "allkeys-random noeviction allkeys-tinylfu",
       false, "what to evict at maxmemory (allkeys-tinylfu: README, Eviction)"},
      {"maxmemory-samples", ConfigType::kInt, "5", true, 1, INT32_MAX, "", false,
       "keys sampled per eviction round"},
      {"maxmemory-eviction-tenacity", ConfigType::kInt, "10", true, 0, 100, "", false,
       "eviction time per command: 0..500 us up to 10, +15% a step, unlimited at 100"},
      {"lfu-log-factor", ConfigType::kInt, "10", true, 0, INT32_MAX, "", false,
       "LFU counter's logarithm factor"},
      {"lfu-decay-time", ConfigType::kInt, "1", true, 0, INT32_MAX, "", false,
       "minutes for the LFU counter to decay by one"},
      {"lazyfree-lazy-eviction", ConfigType::kBool, "no", true, 0, 0, "", false,
       "free evicted values in the background"},
      {"lazyfree-lazy-expire", ConfigType::kBool, "no", true, 0, 0, "", false,
       "accepted; expired keys are freed inline"},
      {"lazyfree-lazy-server-del", ConfigType::kBool, "no", true, 0, 0, "", false,
       "accepted; implicit deletions are freed inline"},
      {"lazyfree-lazy-user-del", ConfigType::kBool, "no", true, 0, 0, "", false,
       "DEL frees in the background as UNLINK does"},
      {"lazyfree-lazy-user-flush", ConfigType::kBool, "no", true, 0, 0, "", false,
       "FLUSHALL / FLUSHDB without SYNC free in the background"},
      {"client-output-buffer-limit-pubsub", ConfigType::kMemory, "33554432", true, 0, INT64_MAX,
       "", false, "hard output limit of a subscriber"},
      {"metrics-port", ConfigType::kInt, "0", false, 0, 65535, "", false,
       "Prometheus GET /metrics port on the bind address (0 = off)"},
      {"admin-port", ConfigType::kInt, "7379", false, 0, 65535, "", false, "gRPC admin port"},
      {"admin-bind", ConfigType::kString, "", false, 0, 0, "", false,
       "admin listen address (default: loopback unless a token is set)"},
      {"admin-token", ConfigType::kString, "", false, 0, 0, "", true, "admin bearer token"},
      {"admin-tls-cert-file", ConfigType::kString, "", false, 0, 0, "", false, "admin TLS cert"},
      {"admin-tls-key-file", ConfigType::kString, "", false, 0, 0, "", false, "admin TLS key"},
      {"admin-tls-ca-cert-file", ConfigType::kString, "", false, 0, 0, "", false,
       "CA for admin client certificates (mutual TLS)"},
      {"cluster-enabled", ConfigType::kBool, "no", false, 0, 0, "", false,
       "join a kvcache cluster (ring, peer plane on the admin port)"},
      {"cluster-join", ConfigType::kString, "", false, 0, 0, "", false,
       "host:adminport of a member to join (empty: bootstrap a ring of one)"},
      {"cluster-secret", ConfigType::kString, "", false, 0, 0, "", true,
       "shared secret of the peer plane (or env KVCACHE_CLUSTER_SECRET); never shown"},
      {"cluster-announce-ip", ConfigType::kString, "", false, 0, 0, "", false,
       "address (IP or DNS name) peers and clients use for this node (default: bind)"},
      {"cluster-announce-port", ConfigType::kInt, "0", false, 0, 65535, "", false,
       "announced RESP port (0: the port)"},
      {"cluster-announce-admin-port", ConfigType::kInt, "0", false, 0, 65535, "", false,
       "announced admin/peer port (0: admin-port)"},
      {"cluster-vnodes", ConfigType::kInt, "128", false, 1, 4096, "", false,
       "virtual nodes per member on the ring"},
      {"cluster-node-timeout", ConfigType::kInt, "1000", false, 100, 3600000, "", false,
       "ms without a heartbeat before a member is down"},
  };
  return kTable;
}

}  // namespace

const std::vector<ConfigKey>& ConfigTable() {
  static const std::vector<ConfigKey> kTable = [] {
    std::vector<ConfigKey> table = KvcacheKeys();
    for (const ConfigKey& key : RedisCompatKeys()) {
      bool defined = false;
      for (const ConfigKey& own : KvcacheKeys()) defined = defined || own.name == key.name;
      if (!defined) table.push_back(key);
    }
    return table;
  }();
  return kTable;
}

const ConfigKey* FindConfigKey(std::string_view name) {
  for (const auto& k : ConfigTable()) {
    if (k.name == name || (!k.alias.empty() && k.alias == name)) return &k;
  }
  return nullptr;
}

}  // namespace kv
