// CONFIG GET/SET/RESETSTAT/REWRITE/HELP over the config table (server/config), Redis 7 style:
// several patterns for GET, an atomic multi-key SET, and Redis's exact error texts.

#include <absl/container/flat_hash_set.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>
#include <utility>
#include <vector>

#include "server/base/string_util.h"
#include "server/commands/command_context.h"
#include "server/commands/command_registry.h"
#include "server/commands/server_info.h"
#include "server/commands/subcommand.h"
#include "server/resp/errors.h"

namespace kv {
namespace {

// CONFIG GET pattern [pattern ...]: a map in RESP3, a flat array in RESP2; each key once.
void ConfigGet(CommandContext& ctx, ArgList args) {
  std::vector<std::pair<std::string, std::string>> found;
  absl::flat_hash_set<std::string> seen;
  for (size_t i = 2; i < args.size(); ++i) {
    std::string_view pattern = args[i];
    if (pattern.find_first_of("[*?") == std::string_view::npos) {
      // An exact name is echoed as the client spelled it, as Redis 7.0 does ("MAXCLIENTS").
      std::string name = ToLower(pattern);
      const ConfigKey* key = FindConfigKey(name);
      if (key != nullptr && !HiddenFromConfigGet(key->name) && seen.insert(name).second) {
        found.emplace_back(std::string(pattern), ctx.server.config.Get(name));
      }
      continue;
    }
    for (auto& kv : ctx.server.config.Match(pattern)) {
      if (seen.insert(kv.first).second) found.push_back(std::move(kv));
    }
  }
  ctx.rb.MapHeader(found.size());
  for (const auto& [name, value] : found) {
    ctx.rb.Bulk(name);
    ctx.rb.Bulk(value);
  }
}

// CONFIG SET key value [key value ...]: all or nothing, as Redis 7. Every name is checked before
// anything changes; if a value is refused, the keys already set get their old values back.
void ConfigSet(CommandContext& ctx, ArgList args) {
  if (args.size() % 2 != 0) {
    return ctx.rb.Error("ERR Unknown option or number of arguments for CONFIG SET - '" +
                        std::string(args[2]) + "'");
  }
  std::vector<std::pair<std::string, std::string_view>> changes;
  for (size_t i = 2; i < args.size(); i += 2) {
    const ConfigKey* key = FindConfigKey(ToLower(args[i]));
    if (key == nullptr) {
      return ctx.rb.Error("ERR Unknown option or number of arguments for CONFIG SET - '" +
                          std::string(args[i]) + "'");
    }
    // Redis 7.0 treats a key and its alias as two parameters (the later one wins).
    std::string name = ToLower(args[i]);
    for (const auto& [seen, unused] : changes) {
      if (seen == name) {
        return ctx.rb.Error("ERR CONFIG SET failed (possibly related to argument '" +
                            std::string(args[i]) + "') - duplicate parameter");
      }
    }
    changes.emplace_back(std::move(name), args[i + 1]);
  }
  Config& config = ctx.server.config;
  std::vector<std::pair<std::string, std::string>> applied;  // name, previous value
  for (size_t i = 0; i < changes.size(); ++i) {
    const auto& [name, value] = changes[i];
    std::string previous = config.Get(name);
    if (auto err = config.Set(name, value, /*at_runtime=*/true)) {
      for (auto it = applied.rbegin(); it != applied.rend(); ++it) {
        config.Set(it->first, it->second);
      }
      return ctx.rb.Error("ERR CONFIG SET failed (possibly related to argument '" +
                          std::string(args[2 + 2 * i]) + "') - " + *err);
    }
    applied.emplace_back(name, std::move(previous));
  }
  ctx.rb.Ok();
}

void ConfigResetStat(CommandContext& ctx, ArgList) {
  ResetServerStats(ctx.server);
  ctx.rb.Ok();
}

// `name value` as a config file line. A key with its own syntax (save, bind,
// client-output-buffer-limit...) takes its words unquoted; a plain string is quoted when it is
// empty or has blanks.
std::string RewriteLine(const ConfigKey& key, const std::string& value) {
  bool quote = value.empty() || (key.normalize == nullptr &&
                                 value.find_first_of(" \t\"") != std::string::npos);
  if (!quote) return std::string(key.name) + " " + value;
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return std::string(key.name) + " " + quoted + "\"";
}

// CONFIG REWRITE: rewrites the config file the server started with, as Redis does: lines of known
// keys get the current value, other lines (comments, unknown keys) are kept, and keys that differ
// from their default and have no line are appended.
void ConfigRewrite(CommandContext& ctx, ArgList) {
  const std::string& path = ctx.server.config.config_file();
  if (path.empty()) return ctx.rb.Error("ERR The server is running without a config file");
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  absl::flat_hash_set<std::string> written;
  for (std::string& line : lines) {
    std::istringstream words(line);
    std::string first;
    words >> first;
    const ConfigKey* key =
        first.empty() || first[0] == '#' ? nullptr : FindConfigKey(ToLower(first));
    if (key == nullptr) continue;
    std::string name(key->name);
    if (!written.insert(name).second) {
      line = "# " + line;  // a repeated key: the first occurrence holds the value
      continue;
    }
    line = RewriteLine(*key, ctx.server.config.Get(name));
  }
  for (const ConfigKey& key : ConfigTable()) {
    std::string name(key.name);
    std::string value = ctx.server.config.Get(name);
    if (written.contains(name) || value == key.default_value) continue;
    lines.push_back(RewriteLine(key, value));
  }
  std::string tmp = path + ".tmp-rewrite";
  {
    std::ofstream out(tmp, std::ios::trunc);
    for (const auto& line : lines) out << line << '\n';
    out.flush();
    if (!out) {
      return ctx.rb.Error("ERR Rewriting config file: cannot write '" + tmp + "'");
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return ctx.rb.Error("ERR Rewriting config file: " + std::string(std::strerror(errno)));
  }
  ctx.rb.Ok();
}

void ConfigHelp(CommandContext& ctx, ArgList) {
  static constexpr std::string_view kLines[] = {
      "GET <pattern>",
      "    Return parameters matching the glob-like <pattern> and their values.",
      "SET <directive> <value>",
      "    Set the configuration <directive> to <value>.",
      "RESETSTAT",
      "    Reset statistics reported by the INFO command.",
      "REWRITE",
      "    Rewrite the configuration file.",
  };
  ReplyHelp(ctx, "config", kLines);
}

constexpr SubcommandSpec kConfigSubcommands[] = {
    {"get", -3, ConfigGet, "config|get"},
    {"set", -4, ConfigSet, "config|set"},
    {"resetstat", 2, ConfigResetStat, "config|resetstat"},
    {"rewrite", 2, ConfigRewrite, "config|rewrite"},
    {"help", 2, ConfigHelp, "config|help"},
};

void CmdConfig(CommandContext& ctx, ArgList args) {
  DispatchSubcommand(ctx, args, kConfigSubcommands, "config");
}

}  // namespace

void RegisterConfigFamily(CommandRegistry& r) {
  r.Add({"config", -2, kAdmin | kLoading, 0, 0, 0, CmdConfig});
}

}  // namespace kv
