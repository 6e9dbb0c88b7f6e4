#pragma once

// Container commands (CLIENT, CONFIG, COMMAND, OBJECT, MEMORY, DEBUG): a small table per family of
// {subcommand, arity, handler}, so that every subcommand gets Redis 7's own arity error
// ("wrong number of arguments for 'client|setname' command") and unknown ones get
// "unknown subcommand 'x'. Try CLIENT HELP." without each handler re-checking argc.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "server/commands/command.h"
#include "server/commands/command_context.h"

namespace kv {

struct SubcommandSpec {
  std::string_view name;  // lower case
  int arity;              // counts the container and the subcommand names, as in Redis
  CommandHandler handler;
  // "client|list": what CLIENT LIST shows as cmd=. A string literal, so it outlives every client.
  const char* fullname;
};

// Runs the subcommand named by args[1] from `table`, or replies the Redis error. `parent` is the
// container's lower-case name.
void DispatchSubcommand(CommandContext& ctx, ArgList args, std::span<const SubcommandSpec> table,
                        std::string_view parent);

// Replies a HELP text as Redis's addReplyHelp does: an array of status lines, the first one
// "<PARENT> <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", then `lines`, then
// "HELP" / "    Prints this help.".
void ReplyHelp(CommandContext& ctx, std::string_view parent,
               std::span<const std::string_view> lines);

}  // namespace kv
