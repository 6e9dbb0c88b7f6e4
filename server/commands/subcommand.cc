#include "server/commands/subcommand.h"

#include "server/base/string_util.h"
#include "server/resp/errors.h"

namespace kv {

void DispatchSubcommand(CommandContext& ctx, ArgList args, std::span<const SubcommandSpec> table,
                        std::string_view parent) {
  for (const SubcommandSpec& sub : table) {
    if (!EqualsIgnoreCase(args[1], sub.name)) continue;
    bool arity_ok = sub.arity >= 0 ? args.size() == static_cast<size_t>(sub.arity)
                                   : args.size() >= static_cast<size_t>(-sub.arity);
    if (!arity_ok) {
      return ctx.rb.Error(
          resp::WrongNumArgsError(std::string(parent) + "|" + std::string(sub.name)));
    }
    ctx.client.last_command.store(sub.fullname, std::memory_order_relaxed);
    return sub.handler(ctx, args);
  }
  ctx.rb.Error(resp::UnknownSubcommandError(args[1], parent));
}

void ReplyHelp(CommandContext& ctx, std::string_view parent,
               std::span<const std::string_view> lines) {
  std::string upper;
  for (char c : parent)
    upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  ctx.rb.ArrayHeader(lines.size() + 3);
  ctx.rb.SimpleString(upper + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  for (std::string_view line : lines) ctx.rb.SimpleString(line);
  ctx.rb.SimpleString("HELP");
  ctx.rb.SimpleString("    Prints this help.");
}

}  // namespace kv
