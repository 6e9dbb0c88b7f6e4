#pragma once

// The command table row: the single source of truth for a command's arity, flags and key
// positions. The dispatcher checks arity before any handler runs; COMMAND, shard locking, cluster
// routing and "is this a write, so append it to the AOF" all read the same row.

#include <absl/container/inlined_vector.h>

#include <atomic>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace kv {

struct CommandContext;
using ArgList = std::span<const std::string_view>;  // args[0] is the command name as sent
using KeyIndexVec = absl::InlinedVector<size_t, 8>;

enum CommandFlag : uint32_t {
  kWrite = 1 << 0,      // may modify the keyspace: logged to the AOF when it did
  kReadOnly = 1 << 1,   // reads keys only (COMMAND reports it; read routing may use it)
  kFast = 1 << 2,       // O(1) or O(log n): reported by COMMAND
  kAdmin = 1 << 3,      // administrative (CONFIG, DEBUG, SHUTDOWN)
  kBlocking = 1 << 4,   // may block the client (BLPOP ...)
  kPubSub = 1 << 5,     // allowed in RESP2 subscriber mode
  kDenyOom = 1 << 6,    // may grow memory: refused when over maxmemory
  kNoAuth = 1 << 7,     // allowed before AUTH (AUTH, HELLO, QUIT)
  kAllShards = 1 << 8,  // touches the whole keyspace: the dispatcher locks every shard
  kNoMulti = 1 << 9,    // executed immediately, not queued, inside MULTI (EXEC, DISCARD, WATCH...)
  kLoading = 1 << 10,   // allowed while the AOF loads
};

using CommandHandler = void (*)(CommandContext& ctx, ArgList args);
// For commands whose keys are not a fixed first/last/step range (ZUNIONSTORE's numkeys...).
using KeyIndicesFn = void (*)(ArgList args, KeyIndexVec* out);

struct CommandStats {
  std::atomic<uint64_t> calls{0};
  std::atomic<uint64_t> usec{0};
  std::atomic<uint64_t> rejected_calls{0};  // refused before running (arity, auth, MISCONF...)
  std::atomic<uint64_t> failed_calls{0};    // ran and replied with an error
  // Latency histogram: bucket i counts calls taking [2^(i/4), 2^((i+1)/4)) microseconds.
  static constexpr size_t kBuckets = 128;
  std::atomic<uint64_t> latency[kBuckets] = {};
  void Record(uint64_t us);
  uint64_t PercentileMicros(double p) const;
};

struct CommandSpec {
  std::string_view name;  // lower case
  int arity;              // > 0: exactly; < 0: at least -arity (the name counts)
  uint32_t flags;
  int first_key;          // 0 when the command takes no keys
  int last_key;           // negative counts from the end (-1 = last argument)
  int key_step;
  CommandHandler handler;
  KeyIndicesFn key_indices = nullptr;
  CommandStats* stats = nullptr;  // set by CommandRegistry::Add

  bool is(CommandFlag f) const { return (flags & f) != 0; }
  bool ArityOk(size_t argc) const {
    return arity >= 0 ? argc == static_cast<size_t>(arity) : argc >= static_cast<size_t>(-arity);
  }
  // Positions of key arguments in `args`.
  void KeyIndices(ArgList args, KeyIndexVec* out) const;
};

}  // namespace kv
