// Server administration: TIME, LASTSAVE, ROLE, WAIT, SHUTDOWN, DEBUG, MEMORY, OBJECT.
// INFO, CONFIG, CLIENT and COMMAND have their own files (info_family.cc, config_family.cc,
// client_family.cc, command_docs.cc).

#include <absl/strings/str_format.h>

#include <chrono>
#include <climits>
#include <cstdlib>
#include <thread>

#include "server/base/clock.h"
#include "server/base/string_util.h"
#include "server/commands/arg_parsing.h"
#include "server/commands/command_context.h"
#include "server/commands/command_registry.h"
#include "server/commands/object_encoding.h"
#include "server/commands/server_info.h"
#include "server/commands/subcommand.h"
#include "server/resp/errors.h"

namespace kv {
namespace {

void CmdTime(CommandContext& ctx, ArgList) {
  int64_t us = UnixMicros();
  ctx.rb.ArrayHeader(2);
  ctx.rb.Bulk(std::to_string(us / 1000000));
  ctx.rb.Bulk(std::to_string(us % 1000000));
}

// No RDB snapshots: the last "save" is the start of the process.
void CmdLastSave(CommandContext& ctx, ArgList) { ctx.rb.Integer(ctx.server.start_time_ms / 1000); }

void CmdRole(CommandContext& ctx, ArgList) {
  ctx.rb.ArrayHeader(3);
  ctx.rb.Bulk("master");
  ctx.rb.Integer(0);
  ctx.rb.ArrayHeader(0);
}

// WAIT numreplicas timeout: there are no replicas, so no write is ever acknowledged by one.
void CmdWait(CommandContext& ctx, ArgList args) {
  auto replicas = ParseIntOrReply(ctx, args[1]);
  if (!replicas) return;
  auto timeout = ParseIntOrReply(ctx, args[2]);
  if (!timeout) return;
  if (*timeout < 0) return ctx.rb.Error("ERR timeout is negative");
  ctx.rb.Integer(0);
}

// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]. On success Redis sends no reply: the connection
// just closes while the server stops (the AOF is flushed by the shutdown path in main).
void CmdShutdown(CommandContext& ctx, ArgList args) {
  bool save = false, nosave = false, abort = false, other = false;
  for (size_t i = 1; i < args.size(); ++i) {
    if (EqualsIgnoreCase(args[i], "nosave")) {
      nosave = true;
    } else if (EqualsIgnoreCase(args[i], "save")) {
      save = true;
    } else if (EqualsIgnoreCase(args[i], "now") || EqualsIgnoreCase(args[i], "force")) {
      other = true;
    } else if (EqualsIgnoreCase(args[i], "abort")) {
      abort = true;
    } else {
      return ctx.rb.Error(resp::kSyntaxErr);
    }
  }
  if ((save && nosave) || (abort && (save || nosave || other))) {
    return ctx.rb.Error(resp::kSyntaxErr);
  }
  if (abort) return ctx.rb.Error("ERR No shutdown in progress.");
  if (!ctx.server.request_shutdown)
    return ctx.rb.Error("ERR Errors trying to SHUTDOWN. Check logs.");
  ctx.client.close_after_reply = true;
  ctx.server.request_shutdown();
}

// DEBUG: the subset tests and tools use. SLEEP blocks the calling I/O thread on purpose, as in
// Redis, to simulate a slow command; it runs without any shard lock.
void DebugSleep(CommandContext& ctx, ArgList args) {
  double seconds = std::strtod(std::string(args[2]).c_str(), nullptr);
  if (seconds > 0) {
    std::this_thread::sleep_for(std::chrono::microseconds(static_cast<int64_t>(seconds * 1e6)));
  }
  ctx.rb.Ok();
}

void DebugSetActiveExpire(CommandContext& ctx, ArgList) { ctx.rb.Ok(); }

void DebugHelp(CommandContext& ctx, ArgList) {
  static constexpr std::string_view kLines[] = {
      "SLEEP <seconds>",
      "    Stop the server for <seconds>. Decimals allowed.",
      "SET-ACTIVE-EXPIRE <0|1>",
      "    Accepted for compatibility; active expiry always runs.",
  };
  ReplyHelp(ctx, "debug", kLines);
}

constexpr SubcommandSpec kDebugSubcommands[] = {
    {"sleep", 3, DebugSleep, "debug|sleep"},
    {"set-active-expire", 3, DebugSetActiveExpire, "debug|set-active-expire"},
    {"help", 2, DebugHelp, "debug|help"},
};

// Redis's islocalClient: a loopback peer.
bool IsLocalClient(const ClientState& client) {
  return client.addr.starts_with("127.") || client.addr.starts_with("[::1]") ||
         client.addr.starts_with("::1:");
}

// enable-debug-command (Redis 7): no (default), yes, or local (loopback clients only).
bool DebugAllowed(CommandContext& ctx) {
  std::string mode = ctx.server.config.Get("enable-debug-command");
  return mode == "yes" || (mode == "local" && IsLocalClient(ctx.client));
}

void CmdDebug(CommandContext& ctx, ArgList args) {
  if (!DebugAllowed(ctx)) {
    return ctx.rb.Error(
        "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", "
        "you can run it from a local connection, otherwise you need to set this option in the "
        "configuration file, and then restart the server.");
  }
  DispatchSubcommand(ctx, args, kDebugSubcommands, "debug");
}

// The live entry of args[2] in the client's database, without touching hit/miss statistics
// beyond what a lookup does. The dispatcher holds its shard lock (see the key_indices functions).
// OBJECT and MEMORY USAGE look without touching: reading a key's idle time is not an access.
Entry* LookupArgKey(CommandContext& ctx, ArgList args) {
  return ctx.Db(args[2]).Peek(args[2], ctx.now_ms);
}

// MEMORY USAGE key [SAMPLES count]: the entry's block (key and short string value included), the
// table slot and the value's heap bytes. Everything is counted exactly, so SAMPLES is validated
// and ignored.
void MemoryUsage(CommandContext& ctx, ArgList args) {
  if (args.size() == 5 && EqualsIgnoreCase(args[3], "samples")) {
    auto samples = ParseIntOrReply(ctx, args[4]);
    if (!samples) return;
    if (*samples < 0) return ctx.rb.Error(resp::kSyntaxErr);
  } else if (args.size() != 3) {
    return ctx.rb.Error(resp::kSyntaxErr);
  }
  Entry* e = LookupArgKey(ctx, args);
  if (e == nullptr) return ctx.rb.NullBulk();
  ctx.rb.Integer(static_cast<int64_t>(e->MemoryUsage()));
}

void MemoryStats(CommandContext& ctx, ArgList) {
  uint64_t used = UsedMemory();
  uint64_t peak = ctx.server.sampler.NotePeakMemory(used);
  ctx.rb.MapHeader(4);
  ctx.rb.Bulk("peak.allocated");
  ctx.rb.Integer(static_cast<int64_t>(peak));
  ctx.rb.Bulk("total.allocated");
  ctx.rb.Integer(static_cast<int64_t>(used));
  ctx.rb.Bulk("clients.normal");
  ctx.rb.Integer(0);
  ctx.rb.Bulk("allocator");
  ctx.rb.Bulk(AllocatorName());
}

void MemoryDoctor(CommandContext& ctx, ArgList) {
  ctx.rb.Verbatim(
      "Hi Sam, I can't find any memory issue in your instance. I can only account for "
      "what occurs on this base.\n");
}

void MemoryMallocStats(CommandContext& ctx, ArgList) {
  ctx.rb.Verbatim("Stats not supported for the current allocator\n");
}

void MemoryPurge(CommandContext& ctx, ArgList) { ctx.rb.Ok(); }

void MemoryHelp(CommandContext& ctx, ArgList) {
  static constexpr std::string_view kLines[] = {
      "DOCTOR",
      "    Return memory problems reports.",
      "MALLOC-STATS",
      "    Return internal statistics report from the memory allocator.",
      "PURGE",
      "    Attempt to purge dirty pages for reclamation by the allocator.",
      "STATS",
      "    Return information about the memory usage of the server.",
      "USAGE <key> [SAMPLES <count>]",
      "    Return memory in bytes used by <key> and its value. Nested values are",
      "    sampled up to <count> times (default: 5, 0 means sample all).",
  };
  ReplyHelp(ctx, "memory", kLines);
}

constexpr SubcommandSpec kMemorySubcommands[] = {
    {"usage", -3, MemoryUsage, "memory|usage"},
    {"stats", 2, MemoryStats, "memory|stats"},
    {"doctor", 2, MemoryDoctor, "memory|doctor"},
    {"malloc-stats", 2, MemoryMallocStats, "memory|malloc-stats"},
    {"purge", 2, MemoryPurge, "memory|purge"},
    {"help", 2, MemoryHelp, "memory|help"},
};

void CmdMemory(CommandContext& ctx, ArgList args) {
  DispatchSubcommand(ctx, args, kMemorySubcommands, "memory");
}

void MemoryKeys(ArgList args, KeyIndexVec* out) {
  if (args.size() >= 3 && EqualsIgnoreCase(args[1], "usage")) out->push_back(2);
}

void ObjectEncodingCmd(CommandContext& ctx, ArgList args) {
  Entry* e = LookupArgKey(ctx, args);
  if (e == nullptr) return ctx.rb.NullBulk();
  ctx.rb.Bulk(ObjectEncoding(e->value, EncodingLimits::FromConfig(ctx.server.config)));
}

// The LFU counter under an LFU policy; under allkeys-tinylfu the frequency sketch's estimate (0..15).
void ObjectFreq(CommandContext& ctx, ArgList args) {
  Entry* e = LookupArgKey(ctx, args);
  if (e == nullptr) return ctx.rb.NullBulk();
  const AccessTracker& access = ctx.server.keyspace.access();
  if (access.mode() == AccessMode::kLfu) return ctx.rb.Integer(access.LfuCounter(e->access));
  if (ctx.server.config.Get("maxmemory-policy") == "allkeys-tinylfu") {
    return ctx.rb.Integer(ctx.Db(args[2]).SketchEstimate(args[2]));
  }
  ctx.rb.Error(resp::kLfuNotSelectedErr);
}

void ObjectIdleTime(CommandContext& ctx, ArgList args) {
  Entry* e = LookupArgKey(ctx, args);
  if (e == nullptr) return ctx.rb.NullBulk();
  const AccessTracker& access = ctx.server.keyspace.access();
  if (access.mode() == AccessMode::kLfu) return ctx.rb.Error(resp::kLfuSelectedErr);
  ctx.rb.Integer(static_cast<int64_t>(access.IdleMs(e->access) / 1000));
}

// Redis shares the integers 0..9999 (refcount INT_MAX); every other value has one reference.
void ObjectRefCount(CommandContext& ctx, ArgList args) {
  Entry* e = LookupArgKey(ctx, args);
  if (e == nullptr) return ctx.rb.NullBulk();
  if (e->value.type() == ValueType::kString) {
    auto v = ParseInt64(e->value.str());
    if (v && *v >= 0 && *v < 10000 && e->value.str().size() <= 20) return ctx.rb.Integer(INT_MAX);
  }
  ctx.rb.Integer(1);
}

void ObjectHelp(CommandContext& ctx, ArgList) {
  static constexpr std::string_view kLines[] = {
      "ENCODING <key>",
      "    Return the kind of internal representation used in order to store the value",
      "    associated with a <key>.",
      "FREQ <key>",
      "    Return the access frequency index of the <key>. The returned integer is",
      "    proportional to the logarithm of the recent access frequency of the key.",
      "IDLETIME <key>",
      "    Return the idle time of the <key>, that is the approximated number of",
      "    seconds elapsed since the last access to the key.",
      "REFCOUNT <key>",
      "    Return the number of references of the value associated with the specified",
      "    <key>.",
  };
  ReplyHelp(ctx, "object", kLines);
}

constexpr SubcommandSpec kObjectSubcommands[] = {
    {"encoding", 3, ObjectEncodingCmd, "object|encoding"},
    {"freq", 3, ObjectFreq, "object|freq"},
    {"idletime", 3, ObjectIdleTime, "object|idletime"},
    {"refcount", 3, ObjectRefCount, "object|refcount"},
    {"help", 2, ObjectHelp, "object|help"},
};

void CmdObject(CommandContext& ctx, ArgList args) {
  DispatchSubcommand(ctx, args, kObjectSubcommands, "object");
}

void ObjectKeys(ArgList args, KeyIndexVec* out) {
  if (args.size() == 3 && !EqualsIgnoreCase(args[1], "help")) out->push_back(2);
}

}  // namespace

void RegisterServerFamily(CommandRegistry& r) {
  r.Add({"time", 1, kFast | kLoading, 0, 0, 0, CmdTime});
  r.Add({"lastsave", 1, kFast | kLoading, 0, 0, 0, CmdLastSave});
  r.Add({"role", 1, kFast | kLoading, 0, 0, 0, CmdRole});
  r.Add({"wait", 3, 0, 0, 0, 0, CmdWait});
  r.Add({"shutdown", -1, kAdmin | kLoading | kNoMulti, 0, 0, 0, CmdShutdown});
  r.Add({"debug", -2, kAdmin | kLoading, 0, 0, 0, CmdDebug});
  r.Add({"memory", -2, kReadOnly, 0, 0, 0, CmdMemory, MemoryKeys});
  r.Add({"object", -2, kReadOnly, 0, 0, 0, CmdObject, ObjectKeys});
}

}  // namespace kv
