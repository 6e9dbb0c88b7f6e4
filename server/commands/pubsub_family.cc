// Pub/sub commands: SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH, PUBSUB.
// The registry and message delivery are in pubsub.{h,cc}.

#include <string>
#include <vector>

#include "server/base/string_util.h"
#include "server/commands/command_context.h"
#include "server/commands/command_registry.h"
#include "server/commands/pubsub.h"
#include "server/resp/errors.h"

namespace kv {
namespace {

// One confirmation per channel: [kind, channel, subscriptions now held]; a push frame in RESP3.
void Confirm(CommandContext& ctx, std::string_view kind, const std::string_view* name) {
  ctx.rb.PushHeader(3);
  ctx.rb.Bulk(kind);
  if (name != nullptr) {
    ctx.rb.Bulk(*name);
  } else {
    ctx.rb.NullBulk();
  }
  ctx.rb.Integer(static_cast<int64_t>(ctx.client.pubsub.count()));
}

void CmdSubscribe(CommandContext& ctx, ArgList args) {
  PubSubRegistry& reg = *ctx.server.pubsub;
  for (size_t i = 1; i < args.size(); ++i) {
    reg.Subscribe(ctx.client, args[i]);
    Confirm(ctx, "subscribe", &args[i]);
  }
}

void CmdPSubscribe(CommandContext& ctx, ArgList args) {
  PubSubRegistry& reg = *ctx.server.pubsub;
  for (size_t i = 1; i < args.size(); ++i) {
    reg.PSubscribe(ctx.client, args[i]);
    Confirm(ctx, "psubscribe", &args[i]);
  }
}

// UNSUBSCRIBE and PUNSUBSCRIBE: the named ones, or all held ones; with none held and none named,
// one confirmation with a null name.
template <bool kPattern>
void CmdUnsubscribeImpl(CommandContext& ctx, ArgList args) {
  PubSubRegistry& reg = *ctx.server.pubsub;
  constexpr std::string_view kind = kPattern ? "punsubscribe" : "unsubscribe";
  auto remove = [&](std::string_view name) {
    if constexpr (kPattern) {
      reg.PUnsubscribe(ctx.client, name);
    } else {
      reg.Unsubscribe(ctx.client, name);
    }
  };
  if (args.size() > 1) {
    for (size_t i = 1; i < args.size(); ++i) {
      remove(args[i]);
      Confirm(ctx, kind, &args[i]);
    }
    return;
  }
  const auto& held = kPattern ? ctx.client.pubsub.patterns : ctx.client.pubsub.channels;
  if (held.empty()) return Confirm(ctx, kind, nullptr);
  std::vector<std::string> names(held.begin(), held.end());
  for (const std::string& name : names) {
    remove(name);
    std::string_view view = name;
    Confirm(ctx, kind, &view);
  }
}

void CmdUnsubscribe(CommandContext& ctx, ArgList args) { CmdUnsubscribeImpl<false>(ctx, args); }
void CmdPUnsubscribe(CommandContext& ctx, ArgList args) { CmdUnsubscribeImpl<true>(ctx, args); }

void CmdPublish(CommandContext& ctx, ArgList args) {
  ctx.rb.Integer(static_cast<int64_t>(ctx.server.pubsub->Publish(args[1], args[2])));
}

constexpr std::string_view kPubSubHelp[] = {
    "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CHANNELS [<pattern>]",
    "    Return the currently active channels matching a <pattern> (default: '*').",
    "NUMPAT",
    "    Return number of subscriptions to patterns.",
    "NUMSUB [<channel> ...]",
    "    Return the number of subscribers for the specified channels, excluding",
    "    pattern subscriptions(default: no channels).",
    "SHARDCHANNELS [<pattern>]",
    "    Return the currently active shard level channels matching a <pattern> (default: '*').",
    "SHARDNUMSUB [<shardchannel> ...]",
    "    Return the number of subscribers for the specified shard level channel(s)",
    "HELP",
    "    Prints this help.",
};

void CmdPubSub(CommandContext& ctx, ArgList args) {
  PubSubRegistry& reg = *ctx.server.pubsub;
  std::string_view sub = args[1];
  auto arity_error = [&] {
    ctx.rb.Error("ERR unknown subcommand or wrong number of arguments for '" + std::string(sub) +
                 "'. Try PUBSUB HELP.");
  };
  if (EqualsIgnoreCase(sub, "CHANNELS") || EqualsIgnoreCase(sub, "SHARDCHANNELS")) {
    if (args.size() > 3) return arity_error();
    if (EqualsIgnoreCase(sub, "SHARDCHANNELS")) return ctx.rb.ArrayHeader(0);  // no SSUBSCRIBE
    std::optional<std::string_view> pattern;
    if (args.size() == 3) pattern = args[2];
    ctx.rb.BulkArray(reg.Channels(pattern));
  } else if (EqualsIgnoreCase(sub, "NUMSUB") || EqualsIgnoreCase(sub, "SHARDNUMSUB")) {
    bool shard = EqualsIgnoreCase(sub, "SHARDNUMSUB");
    ctx.rb.ArrayHeader((args.size() - 2) * 2);
    for (size_t i = 2; i < args.size(); ++i) {
      ctx.rb.Bulk(args[i]);
      ctx.rb.Integer(shard ? 0 : static_cast<int64_t>(reg.NumSubscribers(args[i])));
    }
  } else if (EqualsIgnoreCase(sub, "NUMPAT")) {
    if (args.size() != 2) return ctx.rb.Error(resp::WrongNumArgsError("pubsub|numpat"));
    ctx.rb.Integer(static_cast<int64_t>(reg.NumPatterns()));
  } else if (EqualsIgnoreCase(sub, "HELP")) {
    if (args.size() != 2) return ctx.rb.Error(resp::WrongNumArgsError("pubsub|help"));
    ctx.rb.ArrayHeader(std::size(kPubSubHelp));
    for (std::string_view line : kPubSubHelp) ctx.rb.SimpleString(line);
  } else {
    ctx.rb.Error(resp::UnknownSubcommandError(sub, "PUBSUB"));
  }
}

}  // namespace

void RegisterPubSubFamily(CommandRegistry& r) {
  r.Add({"subscribe", -2, kPubSub | kLoading, 0, 0, 0, CmdSubscribe});
  r.Add({"unsubscribe", -1, kPubSub | kLoading, 0, 0, 0, CmdUnsubscribe});
  r.Add({"psubscribe", -2, kPubSub | kLoading, 0, 0, 0, CmdPSubscribe});
  r.Add({"punsubscribe", -1, kPubSub | kLoading, 0, 0, 0, CmdPUnsubscribe});
  r.Add({"publish", 3, kFast | kLoading, 0, 0, 0, CmdPublish});
  r.Add({"pubsub", -2, kLoading, 0, 0, 0, CmdPubSub});
}

}  // namespace kv
