#pragma once

// Node configuration, redis-server style: an optional config file of `key value` lines, then
// `--key value` flags that override it, then CONFIG SET at run time. One table (config_table.cc)
// lists every key with its type, default, bounds and whether it may change at run time; loading,
// validation, CONFIG GET/SET and the admin plane all read it.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kv {

enum class ConfigType { kString, kInt, kBool, kEnum, kMemory };

// A key whose value has its own syntax (save, bind, client-output-buffer-limit...): checks `value`
// and writes the canonical form CONFIG GET shows to `*out`. `current` is the stored value, for
// keys where a CONFIG SET changes only part of it. Returns Redis's error text on bad input.
using ConfigNormalizer = std::optional<std::string> (*)(std::string_view value,
                                                        std::string_view current,
                                                        std::string* out);

struct ConfigKey {
  std::string_view name;
  ConfigType type;
  std::string_view default_value;
  bool mutable_at_runtime;
  int64_t min = 0;  // kInt / kMemory bounds
  int64_t max = INT64_MAX;
  std::string_view enum_values = "";  // kEnum: space separated
  bool sensitive = false;             // never echoed in logs (passwords, tokens)
  std::string_view help = "";
  std::string_view alias = "";           // Redis's other name (hash-max-ziplist-entries...)
  ConfigNormalizer normalize = nullptr;  // after the type's own check; null: none
  // Redis's PROTECTED_CONFIG (dir, dbfilename): CONFIG SET refuses it unless
  // enable-protected-configs allows the client.
  bool protected_config = false;
};

// kvcache's own keys (config_table.cc) followed by the Redis 7.0 keys it accepts
// (config_redis_table.cc); a Redis key kvcache also defines appears once, as kvcache's.
const std::vector<ConfigKey>& ConfigTable();
// By name or alias, case-sensitive (callers lower-case first).
const ConfigKey* FindConfigKey(std::string_view name);

// Keys CONFIG GET never shows, by pattern or by exact name: the cluster secret authenticates
// nodes, not people.
inline bool HiddenFromConfigGet(std::string_view name) { return name == "cluster-secret"; }
// The Redis 7.0 keys that are accepted and stored but change nothing in kvcache (README table).
const std::vector<ConfigKey>& RedisCompatKeys();

class Config {
 public:
  Config();

  // Loads `[config-file] [--key value ...]` as redis-server does. On error returns a message naming
  // the bad key (and the file line), and nothing is applied.
  std::optional<std::string> LoadFromArgs(int argc, const char* const* argv);
  std::optional<std::string> LoadFile(const std::string& path);
  // Parses config text (`key value` lines, Redis quoting), as LoadFile does for a file's content.
  std::optional<std::string> LoadText(std::string_view text, const std::string& origin);

  // Validates and stores; the error text is what CONFIG SET replies after "ERR ".
  std::optional<std::string> Set(std::string_view name, std::string_view value,
                                 bool at_runtime = false);

  std::string Get(std::string_view name) const;
  int64_t GetInt(std::string_view name) const;  // kInt, kMemory (bytes) and kBool (0/1)
  bool GetBool(std::string_view name) const;
  // Every (key, value) whose name matches `pattern` (glob), in table order.
  std::vector<std::pair<std::string, std::string>> Match(std::string_view pattern) const;

  // The config file given on the command line ("" when none): CONFIG REWRITE and INFO read it.
  const std::string& config_file() const { return config_file_; }

  // Called after a key changes (CONFIG SET), on the thread that changed it.
  void OnChange(std::string_view name, std::function<void(const std::string&)> fn);

  // Hot values cached for the data path.
  int64_t proto_max_bulk_len() const { return proto_max_bulk_len_.load(std::memory_order_relaxed); }
  int64_t maxclients() const { return maxclients_.load(std::memory_order_relaxed); }
  bool requires_auth() const { return requires_auth_.load(std::memory_order_relaxed); }

 private:
  void RefreshCache(const std::string& name, const std::string& value);
  // Stores an already checked value under its canonical name and tells the observers.
  void Store(std::string_view name, const std::string& value);

  mutable std::mutex mu_;
  std::string config_file_;  // set once at start-up, before any other thread runs
  std::map<std::string, std::string, std::less<>> values_;
  std::map<std::string, std::vector<std::function<void(const std::string&)>>, std::less<>>
      observers_;
  std::atomic<int64_t> proto_max_bulk_len_{512LL * 1024 * 1024};
  std::atomic<int64_t> maxclients_{10000};
  std::atomic<bool> requires_auth_{false};
};

// Parses "512mb", "1gb", "100k", "1024" into bytes as Redis's memtoull does.
std::optional<int64_t> ParseMemory(std::string_view s);

// The addresses of `bind` ("127.0.0.1 -::1"): a leading '-' marks one whose failure is not fatal
// and is stripped here; "*" means every IPv4 address.
std::vector<std::string> BindAddresses(const Config& config);
// The address kv-server listens on: the first of BindAddresses ("*" as 0.0.0.0).
std::string PrimaryBindAddress(const Config& config);

}  // namespace kv
