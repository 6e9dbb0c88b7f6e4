#pragma once

// The server's scripts: the cache of bodies by SHA1 (EVAL, SCRIPT LOAD, EVALSHA) and a pool of Lua
// VMs, one per caller running at a time. Lua states are single-threaded; with several I/O threads
// two scripts on disjoint shards run at once, each in its own VM, and a VM compiles a cached body
// the first time it runs it.

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "server/scripting/lua_vm.h"

namespace kv {

class ScriptEngine {
 public:
  // A VM lent to one caller; returned to the pool when the lease ends.
  class Lease {
   public:
    Lease(ScriptEngine& engine, std::unique_ptr<LuaVm> vm) : engine_(engine), vm_(std::move(vm)) {}
    Lease(Lease&&) = default;
    ~Lease();
    LuaVm& vm() { return *vm_; }

   private:
    ScriptEngine& engine_;
    std::unique_ptr<LuaVm> vm_;
  };

  Lease Acquire();

  // Compiles `body` in `vm` and remembers it by its SHA1 (EVAL, SCRIPT LOAD). Returns the SHA1,
  // or the compile error (Redis's text, without "ERR ").
  struct Stored {
    std::string sha;
    std::optional<std::string> error;
  };
  Stored Store(LuaVm& vm, std::string_view body);
  // Makes `sha` runnable in `vm` if the cache has it (EVALSHA); false: NOSCRIPT.
  bool Prepare(LuaVm& vm, std::string_view sha);
  bool Exists(std::string_view sha) const;
  void Flush();

  size_t num_scripts() const;
  size_t cached_bytes() const;

 private:
  void Release(std::unique_ptr<LuaVm> vm);
  // The VM's compiled scripts predate the last SCRIPT FLUSH: drop them.
  void Refresh(LuaVm& vm);

  mutable std::mutex mu_;
  absl::flat_hash_map<std::string, std::string> bodies_;  // sha -> body
  size_t body_bytes_ = 0;
  uint64_t generation_ = 0;  // bumped by Flush
  std::vector<std::unique_ptr<LuaVm>> idle_;
  absl::flat_hash_map<const LuaVm*, uint64_t> vm_generation_;
};

// The part of a script body Lua compiles: a "#!lua ..." first line (Redis 7 flags) is blanked,
// keeping line numbers. Sets `*no_writes` when the flags include no-writes.
std::string_view ScriptCode(std::string_view body, bool* no_writes);

}  // namespace kv
