// COMMAND [COUNT|INFO|DOCS|LIST|GETKEYS|HELP]: what the server knows about its commands, generated
// from the command table (CommandRegistry::All()), never from a second list.

#include <algorithm>
#include <string>
#include <vector>

#include "server/base/string_util.h"
#include "server/commands/command_context.h"
#include "server/commands/command_registry.h"
#include "server/commands/subcommand.h"
#include "server/db/glob.h"
#include "server/resp/errors.h"

namespace kv {
namespace {

// Redis's flag names for the flags kvcache has.
std::vector<std::string_view> FlagNames(const CommandSpec& spec) {
  std::vector<std::string_view> out;
  if (spec.is(kWrite)) out.push_back("write");
  if (spec.is(kReadOnly)) out.push_back("readonly");
  if (spec.is(kDenyOom)) out.push_back("denyoom");
  if (spec.is(kAdmin)) out.push_back("admin");
  if (spec.is(kPubSub)) out.push_back("pubsub");
  if (spec.is(kBlocking)) out.push_back("blocking");
  if (spec.is(kLoading)) out.push_back("loading");
  if (spec.is(kFast)) out.push_back("fast");
  if (spec.is(kNoAuth)) out.push_back("no_auth");
  if (spec.is(kNoMulti)) out.push_back("no_multi");
  if (spec.key_indices != nullptr) out.push_back("movablekeys");
  return out;
}

// ACL categories derived from the flags (kvcache has no ACLs; clients only display these).
std::vector<std::string_view> Categories(const CommandSpec& spec) {
  std::vector<std::string_view> out;
  if (spec.is(kWrite)) out.push_back("@write");
  if (spec.is(kReadOnly)) out.push_back("@read");
  if (spec.is(kAdmin)) {
    out.push_back("@admin");
    out.push_back("@dangerous");
  }
  if (spec.is(kPubSub)) out.push_back("@pubsub");
  if (spec.is(kBlocking)) out.push_back("@blocking");
  out.push_back(spec.is(kFast) ? "@fast" : "@slow");
  return out;
}

void ReplyKeySpecs(CommandContext& ctx, const CommandSpec& spec) {
  if (spec.first_key <= 0 && spec.key_indices == nullptr) return ctx.rb.ArrayHeader(0);
  resp::ReplyBuilder& rb = ctx.rb;
  rb.ArrayHeader(1);
  rb.MapHeader(3);
  rb.Bulk("flags");
  rb.SetHeader(1);
  rb.SimpleString(spec.is(kWrite) ? "RW" : "RO");
  rb.Bulk("begin_search");
  rb.MapHeader(2);
  rb.Bulk("type");
  rb.Bulk("index");
  rb.Bulk("spec");
  rb.MapHeader(1);
  rb.Bulk("index");
  rb.Integer(spec.first_key > 0 ? spec.first_key : 1);
  rb.Bulk("find_keys");
  if (spec.key_indices != nullptr) {
    // Positions depend on the arguments (numkeys...): Redis's "unknown" key spec.
    rb.MapHeader(2);
    rb.Bulk("type");
    rb.Bulk("unknown");
    rb.Bulk("spec");
    rb.MapHeader(0);
    return;
  }
  rb.MapHeader(2);
  rb.Bulk("type");
  rb.Bulk("range");
  rb.Bulk("spec");
  rb.MapHeader(3);
  rb.Bulk("lastkey");
  rb.Integer(spec.last_key < 0 ? spec.last_key : spec.last_key - spec.first_key);
  rb.Bulk("keystep");
  rb.Integer(spec.key_step);
  rb.Bulk("limit");
  rb.Integer(0);
}

// One COMMAND INFO entry: name, arity, flags, first key, last key, step, ACL categories, tips,
// key specs, subcommands.
void ReplyCommandInfo(CommandContext& ctx, const CommandSpec& spec) {
  resp::ReplyBuilder& rb = ctx.rb;
  rb.ArrayHeader(10);
  rb.Bulk(spec.name);
  rb.Integer(spec.arity);
  auto flags = FlagNames(spec);
  rb.SetHeader(flags.size());
  for (auto f : flags) rb.SimpleString(f);
  rb.Integer(spec.first_key);
  rb.Integer(spec.last_key);
  rb.Integer(spec.key_step);
  auto cats = Categories(spec);
  rb.SetHeader(cats.size());
  for (auto c : cats) rb.SimpleString(c);
  rb.ArrayHeader(0);  // tips
  ReplyKeySpecs(ctx, spec);
  rb.ArrayHeader(0);  // subcommands: their table lives in the family, not in the row
}

// Minimal docs: redis-cli 7 reads summary/since/group for its hints; an empty argument list makes
// it show the bare command name.
void ReplyCommandDocs(CommandContext& ctx, const CommandSpec& spec) {
  resp::ReplyBuilder& rb = ctx.rb;
  rb.Bulk(spec.name);
  rb.MapHeader(4);
  rb.Bulk("summary");
  rb.Bulk("");
  rb.Bulk("since");
  rb.Bulk("1.0.0");
  rb.Bulk("group");
  rb.Bulk(spec.is(kAdmin) ? "server" : "generic");
  rb.Bulk("arguments");
  rb.ArrayHeader(0);
}

void CommandAll(CommandContext& ctx) {
  const auto& all = ctx.server.commands.All();
  ctx.rb.ArrayHeader(all.size());
  for (const CommandSpec* spec : all) ReplyCommandInfo(ctx, *spec);
}

void CommandCount(CommandContext& ctx, ArgList) {
  ctx.rb.Integer(static_cast<int64_t>(ctx.server.commands.All().size()));
}

void CommandInfo(CommandContext& ctx, ArgList args) {
  if (args.size() == 2) return CommandAll(ctx);
  ctx.rb.ArrayHeader(args.size() - 2);
  for (size_t i = 2; i < args.size(); ++i) {
    const CommandSpec* spec = ctx.server.commands.Find(args[i]);
    if (spec == nullptr) {
      ctx.rb.NullBulk();
    } else {
      ReplyCommandInfo(ctx, *spec);
    }
  }
}

void CommandDocs(CommandContext& ctx, ArgList args) {
  std::vector<const CommandSpec*> specs;
  if (args.size() == 2) {
    specs = ctx.server.commands.All();
  } else {
    for (size_t i = 2; i < args.size(); ++i) {
      if (const CommandSpec* spec = ctx.server.commands.Find(args[i])) specs.push_back(spec);
    }
  }
  ctx.rb.MapHeader(specs.size());
  for (const CommandSpec* spec : specs) ReplyCommandDocs(ctx, *spec);
}

// COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern]
void CommandList(CommandContext& ctx, ArgList args) {
  std::string pattern, category;
  bool none = false;
  if (args.size() == 5 && EqualsIgnoreCase(args[2], "filterby")) {
    if (EqualsIgnoreCase(args[3], "pattern")) {
      pattern = args[4];
    } else if (EqualsIgnoreCase(args[3], "aclcat")) {
      category = "@" + ToLower(args[4]);
    } else if (EqualsIgnoreCase(args[3], "module")) {
      none = true;  // no modules
    } else {
      return ctx.rb.Error(resp::kSyntaxErr);
    }
  } else if (args.size() != 2) {
    return ctx.rb.Error(resp::kSyntaxErr);
  }
  std::vector<std::string_view> names;
  for (const CommandSpec* spec : ctx.server.commands.All()) {
    if (none) break;
    if (!pattern.empty() && !GlobMatch(pattern, spec->name, /*nocase=*/true)) continue;
    if (!category.empty()) {
      auto cats = Categories(*spec);
      if (std::find(cats.begin(), cats.end(), category) == cats.end()) continue;
    }
    names.push_back(spec->name);
  }
  ctx.rb.BulkArray(names);
}

void CommandGetKeys(CommandContext& ctx, ArgList args) {
  const CommandSpec* spec = ctx.server.commands.Find(args[2]);
  if (spec == nullptr) return ctx.rb.Error("ERR Invalid command specified");
  ArgList cmd_args = args.subspan(2);
  if (!spec->ArityOk(cmd_args.size())) {
    return ctx.rb.Error("ERR Invalid number of arguments specified for command");
  }
  KeyIndexVec pos;
  spec->KeyIndices(cmd_args, &pos);
  if (pos.empty()) return ctx.rb.Error("ERR The command has no key arguments");
  ctx.rb.ArrayHeader(pos.size());
  for (size_t p : pos) ctx.rb.Bulk(cmd_args[p]);
}

void CommandHelp(CommandContext& ctx, ArgList) {
  static constexpr std::string_view kLines[] = {
      "(no subcommand)",
      "    Return details about all Redis commands.",
      "COUNT",
      "    Return the total number of commands in this Redis server.",
      "LIST",
      "    Return a list of all commands in this Redis server.",
      "INFO [<command-name> ...]",
      "    Return details about multiple Redis commands.",
      "    If no command names are given, documentation details for all",
      "    commands are returned.",
      "DOCS [<command-name> ...]",
      "    Return documentation details about multiple Redis commands.",
      "    If no command names are given, documentation details for all",
      "    commands are returned.",
      "GETKEYS <full-command>",
      "    Return the keys from a full Redis command.",
  };
  ReplyHelp(ctx, "command", kLines);
}

constexpr SubcommandSpec kCommandSubcommands[] = {
    {"count", 2, CommandCount, "command|count"},        {"info", -2, CommandInfo, "command|info"},
    {"docs", -2, CommandDocs, "command|docs"},          {"list", -2, CommandList, "command|list"},
    {"getkeys", -4, CommandGetKeys, "command|getkeys"}, {"help", 2, CommandHelp, "command|help"},
};

void CmdCommand(CommandContext& ctx, ArgList args) {
  if (args.size() == 1) return CommandAll(ctx);
  DispatchSubcommand(ctx, args, kCommandSubcommands, "command");
}

}  // namespace

void RegisterCommandDocsFamily(CommandRegistry& r) {
  r.Add({"command", -1, kLoading, 0, 0, 0, CmdCommand});
}

}  // namespace kv
