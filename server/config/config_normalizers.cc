#include "server/config/config_normalizers.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "server/base/string_util.h"
#include "server/config/config.h"

namespace kv::config {
namespace {

std::vector<std::string_view> Words(std::string_view s) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    size_t start = i;
    while (i < s.size() && s[i] != ' ') ++i;
    if (i > start) words.push_back(s.substr(start, i - start));
  }
  return words;
}

std::string Join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : " ") + p;
  return out;
}

// Redis's %f followed by trimDoubleString: "99.900000" -> "99.9", "50.000000" -> "50".
std::string TrimmedDouble(double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%f", v);
  std::string s(buf);
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s;
}

struct BufferLimit {
  int64_t hard = 0, soft = 0, seconds = 0;
};

// normal, replica (shown as "slave", as Redis 7.0 does), pubsub.
constexpr std::array<std::string_view, 3> kClientClasses = {"normal", "slave", "pubsub"};

std::optional<size_t> ClientClass(std::string_view name) {
  std::string lower = ToLower(name);
  if (lower == "normal") return 0;
  if (lower == "slave" || lower == "replica") return 1;
  if (lower == "pubsub") return 2;
  return std::nullopt;
}

// Parses a full or partial limit list into `limits`; the error text is Redis's.
Result ParseLimits(std::string_view value, std::array<BufferLimit, 3>* limits) {
  auto words = Words(value);
  if (words.size() % 4 != 0) return "Wrong number of arguments in buffer limit configuration.";
  for (size_t i = 0; i < words.size(); i += 4) {
    auto cls = ClientClass(words[i]);
    if (!cls) return "Invalid client class specified in buffer limit configuration.";
    auto hard = ParseMemory(words[i + 1]);
    auto soft = ParseMemory(words[i + 2]);
    auto seconds = ParseInt64(words[i + 3]);
    if (!hard || !soft || !seconds || *seconds < 0) {
      return "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
    }
    (*limits)[*cls] = {*hard, *soft, *seconds};
  }
  return std::nullopt;
}

std::string FormatLimits(const std::array<BufferLimit, 3>& limits) {
  std::vector<std::string> parts;
  for (size_t i = 0; i < limits.size(); ++i) {
    parts.push_back(std::string(kClientClasses[i]) + " " + std::to_string(limits[i].hard) + " " +
                    std::to_string(limits[i].soft) + " " + std::to_string(limits[i].seconds));
  }
  return Join(parts);
}

std::array<BufferLimit, 3> LimitsOf(std::string_view current) {
  std::array<BufferLimit, 3> limits{};
  ParseLimits(current, &limits);
  return limits;
}

}  // namespace

Result Save(std::string_view value, std::string_view, std::string* out) {
  auto words = Words(value);
  if (words.size() % 2 != 0) return "Invalid save parameters";
  std::vector<std::string> parts;
  for (auto w : words) {
    auto v = ParseInt64(w);
    if (!v || *v < 0) return "Invalid save parameters";
    parts.push_back(std::to_string(*v));
  }
  *out = Join(parts);
  return std::nullopt;
}

Result Bind(std::string_view value, std::string_view, std::string* out) {
  constexpr size_t kMaxBindAddresses = 16;  // Redis's CONFIG_BINDADDR_MAX
  auto words = Words(value);
  if (words.size() > kMaxBindAddresses) return "Too many bind addresses specified.";
  std::vector<std::string> parts(words.begin(), words.end());
  *out = Join(parts);
  return std::nullopt;
}

Result ClientOutputBufferLimit(std::string_view value, std::string_view current,
                               std::string* out) {
  std::array<BufferLimit, 3> limits = LimitsOf(current);
  if (auto err = ParseLimits(value, &limits)) return err;
  *out = FormatLimits(limits);
  return std::nullopt;
}

int64_t PubSubHardLimit(std::string_view value) { return LimitsOf(value)[2].hard; }

std::string WithPubSubHardLimit(std::string_view value, int64_t hard) {
  std::array<BufferLimit, 3> limits = LimitsOf(value);
  limits[2].hard = hard;
  return FormatLimits(limits);
}

Result KeyspaceEvents(std::string_view value, std::string_view, std::string* out) {
  // Redis's notify.c classes, in the order keyspaceEventsFlagsToString writes them; 'A' is every
  // class but m and n.
  constexpr std::string_view kClasses = "g$lshzxetdn";
  constexpr std::string_view kAll = "g$lshzxetd";
  std::string flags;
  for (char c : value) {
    if (c == 'A') {
      flags += kAll;
    } else if (kClasses.find(c) != std::string_view::npos || c == 'K' || c == 'E' || c == 'm') {
      flags += c;
    } else {
      return "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";
    }
  }
  auto has = [&](char c) { return flags.find(c) != std::string::npos; };
  std::string canonical;
  bool all = true;
  for (char c : kAll) all = all && has(c);
  if (all) {
    canonical = "A";  // Redis 7.0 shows no n after A
  } else {
    for (char c : kClasses) {
      if (has(c)) canonical += c;
    }
  }
  for (char c : std::string_view("KEm")) {
    if (has(c)) canonical += c;
  }
  *out = canonical;
  return std::nullopt;
}

Result OomScoreAdjValues(std::string_view value, std::string_view, std::string* out) {
  auto words = Words(value);
  if (words.size() != 3) return "wrong number of arguments";
  std::vector<std::string> parts;
  for (auto w : words) {
    auto v = ParseInt64(w);
    if (!v || *v < -2000 || *v > 2000) {
      return "Invalid oom-score-adj-values, elements must be between -2000 and 2000.";
    }
    parts.push_back(std::to_string(*v));
  }
  *out = Join(parts);
  return std::nullopt;
}

Result Percentiles(std::string_view value, std::string_view, std::string* out) {
  std::vector<std::string> parts;
  for (auto w : Words(value)) {
    auto v = ParseDouble(w);
    if (!v) return "Invalid latency-tracking-info-percentiles parameters";
    if (*v > 100.0 || *v < 0.0) {
      return "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]";
    }
    parts.push_back(TrimmedDouble(*v));
  }
  *out = Join(parts);
  return std::nullopt;
}

Result ReplicaOf(std::string_view value, std::string_view, std::string* out) {
  auto words = Words(value);
  if (words.empty()) {
    out->clear();
    return std::nullopt;
  }
  if (words.size() != 2) return "wrong number of arguments";
  if (EqualsIgnoreCase(words[0], "no") && EqualsIgnoreCase(words[1], "one")) {
    out->clear();
    return std::nullopt;
  }
  auto port = ParseInt64(words[1]);
  if (!port || *port < 0 || *port > 65535) return "Invalid master port";
  *out = std::string(words[0]) + " " + std::to_string(*port);
  return std::nullopt;
}

Result ShutdownOnSignal(std::string_view value, std::string_view, std::string* out) {
  constexpr std::array<std::string_view, 4> kFlags = {"save", "nosave", "now", "force"};
  std::array<bool, kFlags.size()> set{};
  for (auto w : Words(value)) {
    std::string lower = ToLower(w);
    if (lower == "default") continue;
    bool known = false;
    for (size_t i = 0; i < kFlags.size(); ++i) {
      if (lower == kFlags[i]) set[i] = known = true;
    }
    if (!known) return "argument(s) must be one of the following: default, save, nosave, now, force";
  }
  if (set[0] && set[1]) return "shutdown options SAVE and NOSAVE can't be used simultaneously";
  std::vector<std::string> parts;
  for (size_t i = 0; i < kFlags.size(); ++i) {
    if (set[i]) parts.emplace_back(kFlags[i]);
  }
  *out = parts.empty() ? "default" : Join(parts);
  return std::nullopt;
}

Result MemoryOrPercent(std::string_view value, std::string_view, std::string* out) {
  if (!value.empty() && value.back() == '%') {
    auto pct = ParseInt64(value.substr(0, value.size() - 1));
    if (!pct || *pct < 0) return "argument must be a memory or percent value";
    if (*pct > 100) return "percentage argument must be less or equal to 100";
    *out = std::to_string(*pct) + "%";
    return std::nullopt;
  }
  auto bytes = ParseMemory(value);
  if (!bytes) return "argument must be a memory or percent value";
  *out = std::to_string(*bytes);
  return std::nullopt;
}

Result OctalPermissions(std::string_view value, std::string_view, std::string* out) {
  if (value.empty() || value.find_first_not_of("01234567") != std::string_view::npos) {
    return "argument couldn't be parsed into an integer";
  }
  unsigned long mode = std::strtoul(std::string(value).c_str(), nullptr, 8);
  if (mode > 0777) return "argument must be between 0 and 511 inclusive";
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%lo", mode);
  *out = buf;
  return std::nullopt;
}

Result ClampHz(std::string_view value, std::string_view, std::string* out) {
  constexpr int64_t kMinHz = 1, kMaxHz = 500;  // Redis's CONFIG_MIN_HZ / CONFIG_MAX_HZ
  int64_t hz = *ParseInt64(value);             // the kInt check ran first
  *out = std::to_string(std::clamp(hz, kMinHz, kMaxHz));
  return std::nullopt;
}

}  // namespace kv::config
