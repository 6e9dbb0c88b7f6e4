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
};

const std::vector<ConfigKey>& ConfigTable();
const ConfigKey* FindConfigKey(std::string_view name);

class Config {
 public:
  Config();

  // Loads `[config-file] [--key value ...]` as redis-server does. On error returns a message naming
  // the bad key (and the file line), and nothing is applied.
  std::optional<std::string> LoadFromArgs(int argc, const char* const* argv);
  std::optional<std::string> LoadFile(const std::string& path);

  // Validates and stores; the error text is what CONFIG SET replies after "ERR ".
  std::optional<std::string> Set(std::string_view name, std::string_view value,
                                 bool at_runtime = false);

  std::string Get(std::string_view name) const;
  int64_t GetInt(std::string_view name) const;  // kInt, kMemory (bytes) and kBool (0/1)
  bool GetBool(std::string_view name) const;
  // Every (key, value) whose name matches `pattern` (glob), in table order.
  std::vector<std::pair<std::string, std::string>> Match(std::string_view pattern) const;

  // Called after a key changes (CONFIG SET), on the thread that changed it.
  void OnChange(std::string_view name, std::function<void(const std::string&)> fn);

  // Hot values cached for the data path.
  int64_t proto_max_bulk_len() const { return proto_max_bulk_len_.load(std::memory_order_relaxed); }
  int64_t maxclients() const { return maxclients_.load(std::memory_order_relaxed); }
  bool requires_auth() const { return requires_auth_.load(std::memory_order_relaxed); }

 private:
  void RefreshCache(const std::string& name, const std::string& value);

  mutable std::mutex mu_;
  std::map<std::string, std::string, std::less<>> values_;
  std::map<std::string, std::vector<std::function<void(const std::string&)>>, std::less<>>
      observers_;
  std::atomic<int64_t> proto_max_bulk_len_{512LL * 1024 * 1024};
  std::atomic<int64_t> maxclients_{10000};
  std::atomic<bool> requires_auth_{false};
};

// Parses "512mb", "1gb", "100k", "1024" into bytes as Redis's memtoull does.
std::optional<int64_t> ParseMemory(std::string_view s);

}  // namespace kv
