#include "server/scripting/lua_vm.h"

#include <openssl/sha.h>
#include <spdlog/spdlog.h>

#include <lua.hpp>

#include <charconv>
#include <vector>

#include "server/scripting/lua_reply.h"

extern "C" {
int luaopen_cjson(lua_State* L);  // Debian's lua-cjson
int luaopen_bit(lua_State* L);    // Debian's lua-bitop
}

namespace kv {
namespace {

// Registry keys.
constexpr const char* kVmKey = "kv.vm";            // light userdata: the LuaVm
constexpr const char* kScriptsKey = "kv.scripts";  // table sha -> compiled function
constexpr const char* kRedisVersion = "7.0.15";    // the Redis these scripts are written for
constexpr int kRedisVersionNum = 0x07000f;
// Redis refuses redis.call with more arguments than Lua's C stack comfortably takes.
constexpr int kMaxCallArgs = 8000;

LuaVm& VmOf(lua_State* L) {
  lua_getfield(L, LUA_REGISTRYINDEX, kVmKey);
  auto* vm = static_cast<LuaVm*>(lua_touserdata(L, -1));
  lua_pop(L, 1);
  return *vm;
}

// luaL_error with a std::string: the message prefixed with the position of the Lua code that
// called the running C function (level 1).
[[noreturn]] void RaiseAtCaller(lua_State* L, const std::string& msg) {
  luaL_where(L, 1);
  lua_pushstring(L, msg.c_str());
  lua_concat(L, 2);
  lua_error(L);
  __builtin_unreachable();
}

// Raises {err = msg}, the form redis.call's errors take so the script's error handler adds where.
[[noreturn]] void RaiseErrorTable(lua_State* L, std::string_view msg) {
  lua_newtable(L);
  lua_pushstring(L, "err");
  lua_pushlstring(L, msg.data(), msg.size());
  lua_rawset(L, -3);
  lua_error(L);
  __builtin_unreachable();
}

// redis.call / redis.pcall: arguments are strings or numbers (numbers as their shortest
// round-trip text, as Redis 7's fpconv_dtoa).
int GenericCall(lua_State* L, bool raise) {
  LuaVm& vm = VmOf(L);
  int argc = lua_gettop(L);
  if (argc == 0) {
    RaiseErrorTable(L, "ERR Please specify at least one argument for this redis lib call");
  }
  if (argc > kMaxCallArgs) RaiseErrorTable(L, "ERR Too many arguments");
  std::vector<std::string> storage(static_cast<size_t>(argc));
  std::vector<std::string_view> args(static_cast<size_t>(argc));
  for (int i = 1; i <= argc; ++i) {
    std::string& s = storage[static_cast<size_t>(i - 1)];
    int t = lua_type(L, i);
    if (t == LUA_TNUMBER) {
      char buf[64];
      auto r = std::to_chars(buf, buf + sizeof(buf), static_cast<double>(lua_tonumber(L, i)));
      s.assign(buf, r.ptr);
    } else if (t == LUA_TSTRING) {
      size_t len = 0;
      const char* p = lua_tolstring(L, i, &len);
      s.assign(p, len);
    } else {
      RaiseErrorTable(L, "ERR Lua redis lib command arguments must be strings or integers");
    }
    args[static_cast<size_t>(i - 1)] = s;
  }
  std::string reply;
  vm.host()->Call(args, vm.resp3(), &reply);
  storage.clear();
  if (raise && !reply.empty() && reply[0] == '-') {
    size_t end = reply.find("\r\n");
    std::string msg = reply.substr(1, end == std::string::npos ? std::string::npos : end - 1);
    RaiseErrorTable(L, msg);
  }
  PushReply(L, reply);
  return 1;
}

int RedisCall(lua_State* L) { return GenericCall(L, /*raise=*/true); }
int RedisPCall(lua_State* L) { return GenericCall(L, /*raise=*/false); }

int ReplyTable(lua_State* L, const char* field) {
  if (lua_gettop(L) != 1 || lua_type(L, 1) != LUA_TSTRING) {
    RaiseAtCaller(L, "wrong number or type of arguments");
  }
  lua_newtable(L);
  lua_pushstring(L, field);
  lua_pushvalue(L, 1);
  lua_rawset(L, -3);
  return 1;
}

int ErrorReply(lua_State* L) { return ReplyTable(L, "err"); }
int StatusReply(lua_State* L) { return ReplyTable(L, "ok"); }

int Sha1HexFn(lua_State* L) {
  if (lua_gettop(L) != 1) RaiseAtCaller(L, "wrong number of arguments");
  size_t len = 0;
  const char* s = lua_tolstring(L, 1, &len);
  std::string hex = Sha1Hex(std::string_view(s == nullptr ? "" : s, len));
  lua_pushlstring(L, hex.data(), hex.size());
  return 1;
}

int Log(lua_State* L) {
  int argc = lua_gettop(L);
  if (argc < 2) RaiseAtCaller(L, "redis.log() requires two arguments or more.");
  if (!lua_isnumber(L, 1)) RaiseAtCaller(L, "First argument must be a number (log level).");
  int level = static_cast<int>(lua_tonumber(L, 1));
  if (level < 0 || level > 3) RaiseAtCaller(L, "Invalid debug level.");
  std::string msg;
  for (int i = 2; i <= argc; ++i) {
    size_t len = 0;
    const char* s = lua_tolstring(L, i, &len);
    if (s == nullptr) continue;
    if (!msg.empty()) msg.push_back(' ');
    msg.append(s, len);
  }
  static constexpr spdlog::level::level_enum kLevels[] = {
      spdlog::level::debug, spdlog::level::info, spdlog::level::info, spdlog::level::warn};
  spdlog::log(kLevels[level], "script: {}", msg);
  return 0;
}

int SetResp(lua_State* L) {
  if (lua_gettop(L) != 1) RaiseErrorTable(L, "ERR redis.setresp() requires one argument.");
  int v = static_cast<int>(lua_tonumber(L, 1));
  if (v != 2 && v != 3) RaiseErrorTable(L, "ERR RESP version must be 2 or 3.");
  VmOf(L).set_resp3(v == 3);
  return 0;
}

// redis.set_repl and redis.replicate_commands: kvcache always replicates effects, as Redis 7.
int SetRepl(lua_State* L) {
  if (lua_gettop(L) != 1) RaiseErrorTable(L, "ERR redis.set_repl() requires one argument.");
  int flags = static_cast<int>(lua_tonumber(L, 1));
  if (flags < 0 || flags > 3) RaiseErrorTable(L, "ERR Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.");
  return 0;
}

int ReplicateCommands(lua_State* L) {
  lua_pushboolean(L, 1);
  return 1;
}

int NoOpFalse(lua_State* L) {
  lua_pushboolean(L, 0);
  return 1;
}

// The error handler every script runs under (Redis 7's __redis__err__handler): turns any error
// into a table {err=..., source=..., line=...} naming where in the script it happened.
int ErrorHandler(lua_State* L) {
  lua_Debug ar{};
  bool have = lua_getstack(L, 1, &ar) != 0 && lua_getinfo(L, "nSl", &ar) != 0;
  if (have && ar.what != nullptr && std::string_view(ar.what) == "C") {
    have = lua_getstack(L, 2, &ar) != 0 && lua_getinfo(L, "nSl", &ar) != 0;
  }
  if (!lua_istable(L, 1)) {
    const char* msg = lua_tostring(L, 1);
    std::string err = std::string("ERR ") + (msg != nullptr ? msg : "unknown error");
    lua_newtable(L);
    lua_pushstring(L, "err");
    lua_pushlstring(L, err.data(), err.size());
    lua_rawset(L, -3);
    lua_replace(L, 1);
  }
  lua_settop(L, 1);
  if (have) {
    lua_pushstring(L, "source");
    lua_pushstring(L, ar.source);
    lua_rawset(L, 1);
    lua_pushstring(L, "line");
    lua_pushinteger(L, ar.currentline);
    lua_rawset(L, 1);
  }
  return 1;
}

int GlobalWrite(lua_State* L) { RaiseAtCaller(L, "Attempt to modify a readonly table"); }

int GlobalRead(lua_State* L) {
  const char* name = lua_tostring(L, 2);
  // Redis 7.0 removes loadstring but reading it gives nil rather than the undeclared-global error.
  if (name != nullptr && std::string_view(name) == "loadstring") {
    lua_pushnil(L);
    return 1;
  }
  RaiseAtCaller(L, std::string("Script attempted to access nonexistent global variable '") +
                       (name != nullptr ? name : "?") + "'");
}

void SetFunction(lua_State* L, const char* name, lua_CFunction fn) {
  lua_pushstring(L, name);
  lua_pushcfunction(L, fn);
  lua_rawset(L, -3);
}

void SetNumber(lua_State* L, const char* name, lua_Number v) {
  lua_pushstring(L, name);
  lua_pushnumber(L, v);
  lua_rawset(L, -3);
}

}  // namespace

std::string Sha1Hex(std::string_view data) {
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(2 * SHA_DIGEST_LENGTH, '0');
  for (size_t i = 0; i < SHA_DIGEST_LENGTH; ++i) {
    out[2 * i] = kHex[digest[i] >> 4];
    out[2 * i + 1] = kHex[digest[i] & 0xf];
  }
  return out;
}

void LuaVm::Closer::operator()(lua_State* L) const { lua_close(L); }

LuaVm::LuaVm() : lua_(luaL_newstate()) {
  lua_State* L = lua_.get();
  lua_pushlightuserdata(L, this);
  lua_setfield(L, LUA_REGISTRYINDEX, kVmKey);
  lua_newtable(L);
  lua_setfield(L, LUA_REGISTRYINDEX, kScriptsKey);
  InstallLibraries();
  InstallRedisTable();
  ProtectGlobals();
}

LuaVm::~LuaVm() = default;

void LuaVm::InstallLibraries() {
  lua_State* L = lua_.get();
  // The libraries Redis loads; no io, os, package or debug.
  const std::pair<const char*, lua_CFunction> kLibs[] = {
      {"", luaopen_base},          {LUA_TABLIBNAME, luaopen_table},
      {LUA_STRLIBNAME, luaopen_string}, {LUA_MATHLIBNAME, luaopen_math},
      {"cjson", luaopen_cjson},    {"bit", luaopen_bit},
  };
  for (const auto& [name, open] : kLibs) {
    lua_pushcfunction(L, open);
    lua_pushstring(L, name);
    lua_call(L, 1, 1);
    // cjson and bit return their table without always registering a global: make sure they do.
    if (name[0] != '\0' && lua_istable(L, -1)) {
      lua_setglobal(L, name);
    } else {
      lua_pop(L, 1);
    }
  }
  // What Redis 7.0 removes from the base library: code loading from files or strings.
  for (const char* name : {"dofile", "loadfile", "loadstring"}) {
    lua_pushnil(L);
    lua_setglobal(L, name);
  }
}

void LuaVm::InstallRedisTable() {
  lua_State* L = lua_.get();
  lua_newtable(L);
  SetFunction(L, "call", RedisCall);
  SetFunction(L, "pcall", RedisPCall);
  SetFunction(L, "error_reply", ErrorReply);
  SetFunction(L, "status_reply", StatusReply);
  SetFunction(L, "sha1hex", Sha1HexFn);
  SetFunction(L, "log", Log);
  SetFunction(L, "setresp", SetResp);
  SetFunction(L, "set_repl", SetRepl);
  SetFunction(L, "replicate_commands", ReplicateCommands);
  SetFunction(L, "breakpoint", NoOpFalse);
  SetFunction(L, "debug", NoOpFalse);
  SetNumber(L, "LOG_DEBUG", 0);
  SetNumber(L, "LOG_VERBOSE", 1);
  SetNumber(L, "LOG_NOTICE", 2);
  SetNumber(L, "LOG_WARNING", 3);
  SetNumber(L, "REPL_NONE", 0);
  SetNumber(L, "REPL_AOF", 1);
  SetNumber(L, "REPL_SLAVE", 2);
  SetNumber(L, "REPL_REPLICA", 2);
  SetNumber(L, "REPL_ALL", 3);
  lua_pushstring(L, "REDIS_VERSION");
  lua_pushstring(L, kRedisVersion);
  lua_rawset(L, -3);
  SetNumber(L, "REDIS_VERSION_NUM", kRedisVersionNum);
  lua_setglobal(L, "redis");
  // The handler scripts run under, kept where scripts cannot reach it.
  lua_pushcfunction(L, ErrorHandler);
  lua_setfield(L, LUA_REGISTRYINDEX, "kv.errh");
}

// Redis 7.0's sandbox: scripts may not create globals, and reading one that does not exist is an
// error rather than nil (both catch typos and accidental state shared between scripts).
void LuaVm::ProtectGlobals() {
  lua_State* L = lua_.get();
  lua_pushvalue(L, LUA_GLOBALSINDEX);
  lua_newtable(L);
  lua_pushcfunction(L, GlobalWrite);
  lua_setfield(L, -2, "__newindex");
  lua_pushcfunction(L, GlobalRead);
  lua_setfield(L, -2, "__index");
  lua_setmetatable(L, -2);
  lua_pop(L, 1);
}

std::optional<std::string> LuaVm::Load(std::string_view sha, std::string_view body) {
  if (Has(sha)) return std::nullopt;
  lua_State* L = lua_.get();
  if (luaL_loadbuffer(L, body.data(), body.size(), "@user_script") != 0) {
    std::string err = std::string("Error compiling script (new function): ") +
                      (lua_tostring(L, -1) != nullptr ? lua_tostring(L, -1) : "?");
    lua_pop(L, 1);
    return err;
  }
  lua_getfield(L, LUA_REGISTRYINDEX, kScriptsKey);
  lua_pushlstring(L, sha.data(), sha.size());
  lua_pushvalue(L, -3);
  lua_rawset(L, -3);
  lua_pop(L, 2);
  loaded_.emplace(sha);
  return std::nullopt;
}

void LuaVm::Flush() {
  lua_State* L = lua_.get();
  lua_newtable(L);
  lua_setfield(L, LUA_REGISTRYINDEX, kScriptsKey);
  loaded_.clear();
  lua_gc(L, LUA_GCCOLLECT, 0);
}

void LuaVm::SetArray(const char* name, std::span<const std::string_view> items) {
  lua_State* L = lua_.get();
  lua_pushstring(L, name);
  lua_createtable(L, static_cast<int>(items.size()), 0);
  for (size_t i = 0; i < items.size(); ++i) {
    lua_pushlstring(L, items[i].data(), items[i].size());
    lua_rawseti(L, -2, static_cast<int>(i + 1));
  }
  lua_rawset(L, LUA_GLOBALSINDEX);  // raw: the globals table refuses ordinary writes
}

void LuaVm::Run(std::string_view sha, std::span<const std::string_view> keys,
                std::span<const std::string_view> argv, ScriptHost& host,
                resp::ReplyBuilder& rb) {
  lua_State* L = lua_.get();
  host_ = &host;
  resp3_ = false;  // every script starts in RESP2, whatever the previous one chose
  SetArray("KEYS", keys);
  SetArray("ARGV", argv);
  lua_getfield(L, LUA_REGISTRYINDEX, "kv.errh");
  lua_getfield(L, LUA_REGISTRYINDEX, kScriptsKey);
  lua_pushlstring(L, sha.data(), sha.size());
  lua_rawget(L, -2);
  lua_remove(L, -2);
  int status = lua_pcall(L, 0, 1, -2);
  if (status == 0) {
    WriteLuaValue(L, resp3_, rb);
  } else if (lua_istable(L, -1)) {
    // {err=..., source=..., line=...}: Redis's "<err> script: <sha>, on <source>:<line>."
    std::string msg, source;
    lua_getfield(L, -1, "err");
    if (const char* s = lua_tostring(L, -1)) msg = s;
    lua_pop(L, 1);
    lua_getfield(L, -1, "source");
    if (const char* s = lua_tostring(L, -1)) source = s;
    lua_pop(L, 1);
    lua_getfield(L, -1, "line");
    std::string line = lua_isnumber(L, -1) ? std::to_string(lua_tointeger(L, -1)) : "";
    lua_pop(L, 2);
    for (char& c : msg) {
      if (c == '\r' || c == '\n') c = ' ';
    }
    if (!source.empty() && !line.empty()) {
      msg += " script: " + std::string(sha) + ", on " + source + ":" + line + ".";
    }
    rb.Error(msg);
  } else {
    const char* s = lua_tostring(L, -1);
    rb.Error("ERR Error running script " + std::string(sha) + ", " +
             std::string(s != nullptr ? s : "?").substr(0, 100));
    lua_pop(L, 1);
  }
  lua_pop(L, 1);  // the error handler
  host_ = nullptr;
  // Scripts create garbage on every call; a small incremental step keeps the heap bounded
  // without a full collection per call.
  lua_gc(L, LUA_GCSTEP, 1);
}

}  // namespace kv
