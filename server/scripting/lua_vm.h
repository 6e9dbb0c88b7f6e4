#pragma once

// One Lua 5.1 interpreter with Redis's scripting environment: the `redis` table (call, pcall,
// error_reply, status_reply, sha1hex, log, setresp...), cjson and bit, and Redis 7.0's sandbox
// (globals read-only, no file or OS access). Not thread-safe: ScriptEngine lends each VM to one
// caller at a time.

#include <absl/container/flat_hash_set.h>

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "server/resp/reply_builder.h"

struct lua_State;

namespace kv {

// What redis.call / redis.pcall reach while a script runs: the command path of the server.
class ScriptHost {
 public:
  virtual ~ScriptHost() = default;
  // Runs `args` as a command from the script and appends its RESP reply (RESP3 when `resp3`) to
  // `*reply`. Refusals (unknown command, not allowed from scripts...) are error replies too.
  virtual void Call(std::span<const std::string_view> args, bool resp3, std::string* reply) = 0;
};

class LuaVm {
 public:
  LuaVm();
  ~LuaVm();
  LuaVm(const LuaVm&) = delete;
  LuaVm& operator=(const LuaVm&) = delete;

  // Compiles `body` as the script `sha` unless this VM has it already. On a syntax error returns
  // Redis's text: "Error compiling script (new function): user_script:1: ...".
  std::optional<std::string> Load(std::string_view sha, std::string_view body);
  bool Has(std::string_view sha) const { return loaded_.contains(std::string(sha)); }
  // Drops every compiled script (SCRIPT FLUSH).
  void Flush();

  // Runs the loaded script `sha` with KEYS and ARGV and writes its result, converted as Redis
  // does, to `rb` (whose RESP version is the caller's).
  void Run(std::string_view sha, std::span<const std::string_view> keys,
           std::span<const std::string_view> argv, ScriptHost& host, resp::ReplyBuilder& rb);

  // The hooks the C functions of the `redis` table reach through the registry.
  ScriptHost* host() const { return host_; }
  bool resp3() const { return resp3_; }
  void set_resp3(bool on) { resp3_ = on; }

 private:
  void InstallLibraries();
  void InstallRedisTable();
  void ProtectGlobals();
  void SetArray(const char* name, std::span<const std::string_view> items);

  struct Closer {
    void operator()(lua_State* L) const;
  };
  std::unique_ptr<lua_State, Closer> lua_;
  absl::flat_hash_set<std::string> loaded_;
  ScriptHost* host_ = nullptr;  // set only during Run
  bool resp3_ = false;          // redis.setresp: the protocol redis.call replies arrive in
};

// Lower-case hex SHA1 of `data` (script ids, redis.sha1hex).
std::string Sha1Hex(std::string_view data);

}  // namespace kv
