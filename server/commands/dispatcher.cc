#include "server/commands/dispatcher.h"

#include <algorithm>
#include <optional>

#include "server/base/clock.h"
#include "server/base/string_util.h"
#include "server/commands/cluster_routing.h"
#include "server/commands/command_keys.h"
#include "server/commands/evictor.h"
#include "server/commands/transactions.h"
#include "server/resp/errors.h"

namespace kv {

namespace {

// Redis's deny-oom rule (processCommand): the command may grow memory; or it would be queued in
// MULTI, where queuing itself grows memory without bound; or it is an EXEC whose queue holds one
// that may. DISCARD, QUIT and RESET always run.
bool DeniedWhenOutOfMemory(const CommandSpec& spec, const MultiState& txn) {
  if (spec.is(kDenyOom)) return true;
  if (!txn.in_multi) return false;
  if (spec.name == "exec") {
    return std::any_of(txn.queue.begin(), txn.queue.end(),
                       [](const QueuedCommand& q) { return q.spec->is(kDenyOom); });
  }
  return spec.name != "discard" && spec.name != "quit" && spec.name != "reset";
}

// Redis names subcommands "container|sub" in errors that quote the command being refused.
std::string FullName(const CommandSpec& spec, ArgList args) {
  static constexpr std::string_view kContainers[] = {
      "acl",    "client", "cluster", "command", "config",  "function", "latency", "memory",
      "module", "object", "pubsub",  "script",  "slowlog", "xgroup",   "xinfo"};
  std::string name(spec.name);
  if (args.size() < 2) return name;
  for (std::string_view c : kContainers) {
    if (c == spec.name) return name + "|" + ToLower(args[1]);
  }
  return name;
}

}  // namespace

void Dispatcher::Execute(ClientState& client, ArgList args, resp::ReplyBuilder& rb) {
  if (args.empty()) return;
  MultiState& txn = client.multi;
  const CommandSpec* spec = server_.commands.Find(args[0]);
  if (spec == nullptr) {
    if (txn.in_multi) txn.aborted = true;
    rb.Error(resp::UnknownCommandError(args[0], args.subspan(1)));
    return;
  }
  CommandStats& stats = server_.commands.StatsOf(*spec);
  // As Redis's rejectCommand: inside MULTI a refused command dooms the transaction, and a refused
  // EXEC discards it on the spot.
  auto reject = [&](std::string_view msg) {
    stats.rejected_calls.fetch_add(1, std::memory_order_relaxed);
    if (txn.in_multi) {
      if (spec->name == "exec") {
        DiscardTransaction(server_, client);
        return rb.Error(ExecAbortError(msg));
      }
      txn.aborted = true;
    }
    rb.Error(msg);
  };
  // Redis's order: the arity is checked before the authentication.
  if (!spec->ArityOk(args.size())) return reject(resp::WrongNumArgsError(spec->name));
  if (server_.config.requires_auth() && !client.authenticated && !spec->is(kNoAuth)) {
    return reject(resp::kNoAuthErr);
  }
  // RESP2 subscribers can only receive messages and (un)subscribe; RESP3 multiplexes pushes.
  if (client.pubsub.count() > 0 && !client.resp3 && !spec->is(kPubSub)) {
    return reject(resp::SubscribedContextError(FullName(*spec, args)));
  }
  if (server_.loading.load(std::memory_order_relaxed) && !spec->is(kLoading)) {
    return reject(resp::kLoadingErr);
  }
  const int64_t now_ms = UnixMillis();
  server_.keyspace.access().Tick(now_ms);
  // Before any lock is taken, as Redis's performEvictions in processCommand: eviction locks the
  // shards of its victims one at a time.
  if (Evictor* ev = server_.evictor.get(); ev != nullptr && ev->limited()) {
    const bool deny_oom = DeniedWhenOutOfMemory(*spec, txn);
    if (ev->MakeRoom(now_ms) == Evictor::Result::kFail && deny_oom) return reject(resp::kOomErr);
    if (deny_oom) {
      // What this write may add, seen by the next commands before the meter's next refresh.
      size_t bytes = 0;
      for (std::string_view a : args) bytes += a.size();
      ev->meter().NoteGrowth(static_cast<int64_t>(bytes));
    }
  }
  if (spec->is(kWrite)) {
    WriteLog* log = server_.write_log.load(std::memory_order_acquire);
    if (log != nullptr) {
      if (auto err = log->WriteError()) return reject(*err);
    }
  }
  // The command's keys and slots, found once: routing, locking, the handler's table lookups, the
  // AOF rewrite's capture and the key observers all read them.
  const CommandKeys keys(*spec, args);
  // Cluster mode: a keyed command runs only on the owner of its slot (MOVED, CROSSSLOT,
  // CLUSTERDOWN otherwise). Inside MULTI the refusal dooms the transaction, as in Redis Cluster.
  if (server_.cluster && !client.no_route && !spec->is(kAllShards) && !keys.empty()) {
    cluster::RoutingPtr table = server_.cluster->table();
    if (auto redirect = ClusterRedirect(table.get(), keys)) return reject(*redirect);
  }
  // Inside MULTI everything but the transaction-control commands waits for EXEC. No locks are
  // taken: EXEC takes them all.
  if (txn.in_multi && !spec->is(kNoMulti)) {
    txn.Queue(*spec, args);
    rb.SimpleString("QUEUED");
    return;
  }

  client.last_command.store(spec->name.data(), std::memory_order_relaxed);

  {
    ShardLocks locks = LockShards(server_.keyspace, keys);
    CommandContext ctx(server_, client, rb, now_ms);
    ctx.dispatcher = this;
    ctx.keys = &keys;
    Run(*spec, ctx, args);
  }
  for (KeyObserver* obs : server_.key_observers) obs->AfterCommand();
}

void Dispatcher::ExecuteLocked(const CommandSpec& spec, ClientState& client, ArgList args,
                               resp::ReplyBuilder& rb, const CommandKeys* keys) {
  if (!spec.ArityOk(args.size())) {
    server_.commands.StatsOf(spec).rejected_calls.fetch_add(1, std::memory_order_relaxed);
    rb.Error(resp::WrongNumArgsError(spec.name));
    return;
  }
  const int64_t now_ms = UnixMillis();
  server_.keyspace.access().Tick(now_ms);
  std::optional<CommandKeys> own_keys;
  if (keys == nullptr) keys = &own_keys.emplace(spec, args);
  CommandContext ctx(server_, client, rb, now_ms);
  ctx.dispatcher = this;
  ctx.keys = keys;
  Run(spec, ctx, args);
}

void Dispatcher::ExecuteReplayed(const CommandSpec& spec, ClientState& client, ArgList args,
                                 resp::ReplyBuilder& rb) {
  const CommandKeys keys(spec, args);
  ShardLocks locks = LockShards(server_.keyspace, keys);
  ExecuteLocked(spec, client, args, rb, &keys);
}

void Dispatcher::CaptureBeforeWrite(const CommandKeys& keys) {
  WriteLog* log = server_.write_log.load(std::memory_order_acquire);
  if (log == nullptr || !log->capturing()) return;
  Keyspace& ks = server_.keyspace;
  if (keys.all_shards()) {
    for (size_t i = 0; i < ks.num_shards(); ++i) log->BeforeWriteLocked(i);
    return;
  }
  for (const CommandKey& k : keys.keys()) log->BeforeWriteLocked(ks.ShardOfSlot(k.slot));
}

void Dispatcher::Run(const CommandSpec& spec, CommandContext& ctx, ArgList args) {
  CommandStats& stats = server_.commands.StatsOf(spec);
  std::string& out = *ctx.rb.buffer();
  const size_t reply_start = out.size();
  const int64_t start_us = MonotonicMicros();

  if (spec.is(kWrite)) CaptureBeforeWrite(*ctx.keys);
  spec.handler(ctx, args);

  if (spec.is(kWrite) && ctx.dirty > 0) {
    // The log and the observers run while the shard locks are still held: the AOF order is the
    // execution order, and a WATCH or a blocked client sees the change before anyone else can.
    // The log comes first because a blocked client served from OnKeyModified logs its pop there,
    // and that pop must replay after the push that fed it.
    if (WriteLog* log = server_.write_log.load(std::memory_order_acquire)) {
      if (ctx.propagated.empty()) {
        ctx.client.last_write_seq = log->Append(ctx.client.db, args);
      } else {
        std::vector<std::string_view> argv;
        for (const auto& cmd : ctx.propagated) {
          argv.assign(cmd.begin(), cmd.end());
          ctx.client.last_write_seq = log->Append(ctx.client.db, argv);
        }
      }
    }
    if (!server_.key_observers.empty()) {
      for (KeyObserver* obs : server_.key_observers) {
        for (const CommandKey& k : ctx.keys->keys()) obs->OnKeyModified(ctx.client.db, k.name);
        for (const auto& [db, key] : ctx.other_db_keys) obs->OnKeyModified(db, key);
      }
    }
  }

  stats.Record(static_cast<uint64_t>(MonotonicMicros() - start_us));
  if (out.size() > reply_start && out[reply_start] == '-') {
    stats.failed_calls.fetch_add(1, std::memory_order_relaxed);
  }
  server_.stats.commands_processed.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace kv
