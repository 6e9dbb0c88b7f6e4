#include "server/config/config.h"

#include <cctype>
#include <fstream>
#include <sstream>

#include <absl/container/flat_hash_set.h>

#include "server/base/string_util.h"
#include "server/config/config_normalizers.h"
#include "server/db/glob.h"

namespace kv {
namespace {

constexpr std::string_view kPubSubLimitKey = "client-output-buffer-limit-pubsub";

// Splits a config line as Redis's sdssplitargs does for the cases config files use: words
// separated by blanks, "double" or 'single' quoted words (which may be empty: `notify-keyspace-events
// ""`), and \n \t \" \\ escapes inside double quotes.
std::vector<std::string> SplitWords(std::string_view line) {
  std::vector<std::string> words;
  std::string cur;
  bool in_word = false;
  char quote = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quote != 0) {
      if (c == quote) {
        quote = 0;
      } else if (quote == '"' && c == '\\' && i + 1 < line.size()) {
        char e = line[++i];
        cur.push_back(e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e);
      } else {
        cur.push_back(c);
      }
    } else if (c == '"' || c == '\'') {
      quote = c;
      in_word = true;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      if (in_word) words.push_back(std::move(cur));
      cur.clear();
      in_word = false;
    } else {
      cur.push_back(c);
      in_word = true;
    }
  }
  if (in_word) words.push_back(std::move(cur));
  return words;
}

// Keys that may appear on several lines of a config file, each line adding to the value (Redis's
// MULTI_ARG configs): `save 900 1` then `save 300 10`. client-output-buffer-limit merges per class
// by itself, so it needs no accumulation.
bool AccumulatesAcrossLines(std::string_view name) { return name == "save"; }

}  // namespace

std::optional<int64_t> ParseMemory(std::string_view s) {
  std::string lower = ToLower(s);
  int64_t mul = 1;
  auto strip = [&](std::string_view suffix, int64_t m) {
    if (lower.size() > suffix.size() && lower.ends_with(suffix)) {
      lower.resize(lower.size() - suffix.size());
      mul = m;
      return true;
    }
    return false;
  };
  strip("gb", 1LL << 30) || strip("mb", 1LL << 20) || strip("kb", 1LL << 10) ||
      strip("g", 1000LL * 1000 * 1000) || strip("m", 1000LL * 1000) || strip("k", 1000) ||
      strip("b", 1);
  auto v = ParseInt64(lower);
  if (!v || *v < 0 || (*v > 0 && mul > INT64_MAX / *v)) return std::nullopt;
  return *v * mul;
}

Config::Config() {
  for (const auto& k : ConfigTable()) values_.emplace(std::string(k.name), std::string(k.default_value));
}

std::optional<std::string> Config::Set(std::string_view name, std::string_view value,
                                       bool at_runtime) {
  const ConfigKey* key = FindConfigKey(name);
  if (key == nullptr) return "Bad directive or wrong number of arguments";
  if (at_runtime && key->protected_config && Get("enable-protected-configs") != "yes") {
    return "can't set protected config";
  }
  if (at_runtime && !key->mutable_at_runtime) return "can't set immutable config";
  std::string stored(value);
  switch (key->type) {
    case ConfigType::kString:
      break;
    case ConfigType::kInt: {
      auto v = ParseInt64(value);
      if (!v) return "argument couldn't be parsed into an integer";
      if (*v < key->min || *v > key->max) {
        return "argument must be between " + std::to_string(key->min) + " and " +
               std::to_string(key->max) + " inclusive";
      }
      break;
    }
    case ConfigType::kMemory: {
      auto v = ParseMemory(value);
      if (!v) return "argument must be a memory value";
      if (*v < key->min || *v > key->max) {
        return "argument must be between " + std::to_string(key->min) + " and " +
               std::to_string(key->max) + " inclusive";
      }
      stored = std::to_string(*v);
      break;
    }
    case ConfigType::kBool: {
      std::string lower = ToLower(value);
      if (lower != "yes" && lower != "no") return "argument must be 'yes' or 'no'";
      stored = lower;
      break;
    }
    case ConfigType::kEnum: {
      std::string lower = ToLower(value);
      std::istringstream options{std::string(key->enum_values)};
      bool ok = false;
      for (std::string opt; options >> opt;) ok = ok || opt == lower;
      if (!ok) {
        std::string list(key->enum_values);
        for (size_t pos = 0; (pos = list.find(' ', pos)) != std::string::npos; pos += 2) {
          list.replace(pos, 1, ", ");
        }
        return "argument(s) must be one of the following: " + list;
      }
      stored = lower;
      break;
    }
  }
  if (key->normalize != nullptr) {
    std::string normalized;
    if (auto err = key->normalize(stored, Get(key->name), &normalized)) return err;
    stored = std::move(normalized);
  }
  Store(key->name, stored);
  // kvcache's pubsub output limit is the pubsub class's hard limit of Redis's key: keep the two
  // in step whichever is set.
  if (key->name == "client-output-buffer-limit") {
    Store(kPubSubLimitKey, std::to_string(config::PubSubHardLimit(stored)));
  } else if (key->name == kPubSubLimitKey) {
    Store("client-output-buffer-limit",
          config::WithPubSubHardLimit(Get("client-output-buffer-limit"), *ParseInt64(stored)));
  }
  return std::nullopt;
}

void Config::Store(std::string_view name, const std::string& value) {
  std::vector<std::function<void(const std::string&)>> observers;
  {
    std::lock_guard lock(mu_);
    auto it = values_.find(name);
    if (it == values_.end()) return;
    it->second = value;
    if (auto obs = observers_.find(name); obs != observers_.end()) observers = obs->second;
  }
  RefreshCache(std::string(name), value);
  for (auto& fn : observers) fn(value);
}

void Config::RefreshCache(const std::string& name, const std::string& value) {
  if (name == "proto-max-bulk-len") {
    proto_max_bulk_len_ = *ParseInt64(value);
  } else if (name == "maxclients") {
    maxclients_ = *ParseInt64(value);
  } else if (name == "requirepass") {
    requires_auth_ = !value.empty();
  }
}

std::optional<std::string> Config::LoadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return "cannot open config file '" + path + "'";
  std::stringstream text;
  text << in.rdbuf();
  return LoadText(text.str(), path);
}

std::optional<std::string> Config::LoadText(std::string_view text, const std::string& origin) {
  absl::flat_hash_set<std::string> accumulated;  // multi-line keys seen in this text
  std::istringstream in{std::string(text)};
  std::string line;
  for (int lineno = 1; std::getline(in, line); ++lineno) {
    auto words = SplitWords(line);
    if (words.empty() || words[0][0] == '#') continue;
    std::string name = ToLower(words[0]);
    std::string value;
    for (size_t i = 1; i < words.size(); ++i) value += (i > 1 ? " " : "") + words[i];
    auto fail = [&](const std::string& err) {
      return origin + ":" + std::to_string(lineno) + ": '" + line + "': " + err;
    };
    if (words.size() < 2 && name != "save" && name != "requirepass") {
      return fail("Bad directive or wrong number of arguments");
    }
    if (AccumulatesAcrossLines(name) && !accumulated.insert(name).second && !value.empty()) {
      std::string previous = Get(name);
      if (!previous.empty()) value = previous + " " + value;
    }
    if (auto err = Set(name, value)) return fail(*err);
  }
  return std::nullopt;
}

std::optional<std::string> Config::LoadFromArgs(int argc, const char* const* argv) {
  int i = 1;
  if (argc > 1 && std::string_view(argv[1]).substr(0, 2) != "--") {
    if (auto err = LoadFile(argv[1])) return err;
    config_file_ = argv[1];
    i = 2;
  }
  for (; i < argc; ++i) {
    std::string_view flag = argv[i];
    if (flag.substr(0, 2) != "--" || flag.size() == 2) {
      return "unexpected argument '" + std::string(flag) + "' (expected --key value)";
    }
    std::string name = ToLower(flag.substr(2));
    // A flag takes every following word up to the next --flag as its value, as redis-server does
    // (`--save "900 1"` or `--save 900 1`); a flag with no words gets the empty value.
    std::string value;
    int j = i + 1;
    for (; j < argc && std::string_view(argv[j]).substr(0, 2) != "--"; ++j) {
      value += (j > i + 1 ? " " : "") + std::string(argv[j]);
    }
    if (auto err = Set(name, value)) return "--" + name + " '" + value + "': " + *err;
    i = j - 1;
  }
  return std::nullopt;
}

std::string Config::Get(std::string_view name) const {
  {
    std::lock_guard lock(mu_);
    if (auto it = values_.find(name); it != values_.end()) return it->second;
  }
  const ConfigKey* key = FindConfigKey(name);  // an alias
  return key == nullptr || key->name == name ? std::string() : Get(key->name);
}

int64_t Config::GetInt(std::string_view name) const {
  std::string v = Get(name);
  if (v == "yes") return 1;
  if (v == "no") return 0;
  return ParseInt64(v).value_or(0);
}

bool Config::GetBool(std::string_view name) const { return Get(name) == "yes"; }

std::vector<std::pair<std::string, std::string>> Config::Match(std::string_view pattern) const {
  std::vector<std::pair<std::string, std::string>> out;
  std::lock_guard lock(mu_);
  for (const auto& key : ConfigTable()) {
    if (HiddenFromConfigGet(key.name)) continue;
    // Redis's CONFIG GET matches case-insensitively with its own glob rules, and lists an alias
    // as a key of its own.
    for (std::string_view name : {key.name, key.alias}) {
      if (!name.empty() && GlobMatch(pattern, name, /*nocase=*/true)) {
        out.emplace_back(std::string(name), values_.at(std::string(key.name)));
      }
    }
  }
  return out;
}

std::vector<std::string> BindAddresses(const Config& config) {
  std::vector<std::string> out;
  std::istringstream words(config.Get("bind"));
  for (std::string addr; words >> addr;) {
    if (addr[0] == '-') addr.erase(0, 1);
    if (!addr.empty()) out.push_back(addr);
  }
  return out;
}

std::string PrimaryBindAddress(const Config& config) {
  auto addresses = BindAddresses(config);
  if (addresses.empty() || addresses[0] == "*") return "0.0.0.0";
  return addresses[0];
}

void Config::OnChange(std::string_view name, std::function<void(const std::string&)> fn) {
  std::lock_guard lock(mu_);
  observers_[std::string(name)].push_back(std::move(fn));
}

}  // namespace kv
