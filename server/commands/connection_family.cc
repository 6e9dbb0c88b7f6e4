// Connection commands: PING, ECHO, SELECT, QUIT, RESET, AUTH, HELLO.

#include "server/commands/arg_parsing.h"
#include "server/commands/client_info.h"
#include "server/commands/command_registry.h"
#include "server/commands/pubsub.h"
#include "server/commands/transactions.h"

namespace kv {
namespace {

void CmdPing(CommandContext& ctx, ArgList args) {
  if (args.size() > 2) return ctx.rb.Error(resp::WrongNumArgsError("ping"));
  if (ctx.client.pubsub.count() > 0 && !ctx.client.resp3) {
    // Redis's subscribed-mode PING in RESP2: a two-element array, so it cannot be mistaken for a
    // message.
    ctx.rb.ArrayHeader(2);
    ctx.rb.Bulk("pong");
    return ctx.rb.Bulk(args.size() == 2 ? args[1] : "");
  }
  if (args.size() == 2) return ctx.rb.Bulk(args[1]);
  ctx.rb.SimpleString("PONG");
}

void CmdEcho(CommandContext& ctx, ArgList args) { ctx.rb.Bulk(args[1]); }

void CmdSelect(CommandContext& ctx, ArgList args) {
  auto db = ParseInt64(args[1]);
  if (!db) return ctx.rb.Error(resp::kInvalidDbIndexErr);
  if (*db < 0 || *db >= static_cast<int64_t>(ctx.server.keyspace.num_dbs())) {
    return ctx.rb.Error(resp::kDbIndexOutOfRangeErr);
  }
  ctx.client.db = static_cast<int>(*db);
  ctx.client.db_for_listing.store(ctx.client.db, std::memory_order_relaxed);
  ctx.rb.Ok();
}

void CmdQuit(CommandContext& ctx, ArgList) {
  ctx.client.close_after_reply = true;
  ctx.rb.Ok();
}

// Redis 6+ semantics with only the default user: AUTH pass, or AUTH default pass.
// Without requirepass the default user is "nopass": any password is accepted for it, as in Redis
// (`AUTH default x` and `HELLO 3 AUTH default x` succeed; `AUTH x` alone is refused above).
bool CheckPassword(CommandContext& ctx, std::string_view user, std::string_view pass) {
  std::string required = ctx.server.config.Get("requirepass");
  return user == "default" && (required.empty() || pass == required);
}

void CmdAuth(CommandContext& ctx, ArgList args) {
  if (args.size() > 3) return ctx.rb.Error(resp::kSyntaxErr);
  if (!ctx.server.config.requires_auth() && args.size() == 2) {
    return ctx.rb.Error(
        "ERR AUTH <password> called without any password configured for the default user. Are you "
        "sure your configuration is correct?");
  }
  std::string_view user = args.size() == 3 ? args[1] : "default";
  // A wrong password leaves an earlier authentication in place, as in Redis.
  if (!CheckPassword(ctx, user, args.back())) return ctx.rb.Error(resp::kWrongPassErr);
  ctx.client.authenticated = true;
  ctx.rb.Ok();
}

void CmdHello(CommandContext& ctx, ArgList args) {
  int proto = ctx.client.resp3 ? 3 : 2;
  size_t i = 1;
  if (args.size() >= 2) {
    auto v = ParseInt64(args[1]);
    if (!v) return ctx.rb.Error("ERR Protocol version is not an integer or out of range");
    if (*v < 2 || *v > 3) return ctx.rb.Error("NOPROTO unsupported protocol version");
    proto = static_cast<int>(*v);
    i = 2;
  }
  std::string_view setname;
  bool has_setname = false;
  for (; i < args.size(); ++i) {
    bool more = i + 1 < args.size();
    if (EqualsIgnoreCase(args[i], "AUTH") && i + 2 < args.size()) {
      if (!CheckPassword(ctx, args[i + 1], args[i + 2])) {
        return ctx.rb.Error(resp::kWrongPassErr);
      }
      ctx.client.authenticated = true;
      i += 2;
    } else if (EqualsIgnoreCase(args[i], "SETNAME") && more) {
      setname = args[++i];
      has_setname = true;
    } else {
      return ctx.rb.Error("ERR Syntax error in HELLO option '" + std::string(args[i]) + "'");
    }
  }
  if (ctx.server.config.requires_auth() && !ctx.client.authenticated) {
    return ctx.rb.Error(
        "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO "
        "AUTH <user> <pass> option can be used to authenticate the client and select the RESP "
        "protocol version at the same time");
  }
  if (has_setname) {
    if (!ValidClientName(setname)) {
      return ctx.rb.Error(
          "ERR Client names cannot contain spaces, newlines or special characters.");
    }
    std::lock_guard lock(ctx.client.names_mu);
    ctx.client.name = setname;
  }
  ctx.client.resp3 = proto == 3;
  ctx.client.resp_for_listing.store(proto, std::memory_order_relaxed);
  ctx.rb.set_resp3(ctx.client.resp3);
  ctx.rb.MapHeader(7);
  ctx.rb.Bulk("server");
  ctx.rb.Bulk("redis");
  ctx.rb.Bulk("version");
  ctx.rb.Bulk("7.0.15");
  ctx.rb.Bulk("proto");
  ctx.rb.Integer(proto);
  ctx.rb.Bulk("id");
  ctx.rb.Integer(static_cast<int64_t>(ctx.client.id));
  ctx.rb.Bulk("mode");
  ctx.rb.Bulk("standalone");
  ctx.rb.Bulk("role");
  ctx.rb.Bulk("master");
  ctx.rb.Bulk("modules");
  ctx.rb.ArrayHeader(0);
}

// RESET: back to a fresh connection's state (Redis's clearClientConnectionState). Transactions
// and subscriptions are cleared explicitly; other modules hook in through on_reset.
void CmdReset(CommandContext& ctx, ArgList) {
  ClientState& c = ctx.client;
  DiscardTransaction(ctx.server, c);
  if (ctx.server.pubsub) ctx.server.pubsub->UnsubscribeAll(c);
  for (auto& hook : c.on_reset) hook();
  c.db = 0;
  c.db_for_listing.store(0, std::memory_order_relaxed);
  c.resp3 = false;
  c.resp_for_listing.store(2, std::memory_order_relaxed);
  ctx.rb.set_resp3(false);
  c.authenticated = !ctx.server.config.requires_auth();
  c.no_evict = false;
  c.no_touch = false;
  c.reply_off = false;
  c.reply_skip_next = false;
  {
    std::lock_guard lock(c.names_mu);
    c.name.clear();
  }
  ctx.rb.SimpleString("RESET");
}

}  // namespace

void RegisterConnectionFamily(CommandRegistry& r) {
  // No kLoading: Redis 7 answers -LOADING to PING while the dataset loads, so "PONG" means ready.
  r.Add({"ping", -1, kFast | kPubSub, 0, 0, 0, CmdPing});
  r.Add({"echo", 2, kFast | kLoading, 0, 0, 0, CmdEcho});
  r.Add({"select", 2, kFast | kLoading, 0, 0, 0, CmdSelect});
  r.Add({"quit", -1, kFast | kNoAuth | kPubSub | kLoading | kNoMulti, 0, 0, 0, CmdQuit});
  // AUTH and HELLO are queued inside MULTI, as in Redis 7.
  r.Add({"reset", 1, kFast | kNoAuth | kPubSub | kLoading | kNoMulti, 0, 0, 0, CmdReset});
  r.Add({"auth", -2, kFast | kNoAuth | kLoading, 0, 0, 0, CmdAuth});
  r.Add({"hello", -1, kFast | kNoAuth | kLoading, 0, 0, 0, CmdHello});
}

}  // namespace kv
