#pragma once

// The argument tail shared by LMPOP, BLMPOP, ZMPOP and BZMPOP:
//   numkeys key [key ...] <first>|<second> [COUNT count]
// parsed in Redis 7.0's order (numkeys, the side word, then COUNT) with its error texts. The
// blocking forms parse their timeout after this, as Redis does.

#include <cstddef>
#include <optional>
#include <string_view>

#include "server/commands/command.h"
#include "server/commands/command_context.h"

namespace kv {

struct MPopArgs {
  ArgList keys;
  bool second = false;  // the second side word: RIGHT for lists, MAX for sorted sets
  size_t count = 1;     // 1 without COUNT
};

// Parses args[numkeys_at] onwards; on bad input replies Redis's error and returns nullopt.
std::optional<MPopArgs> ParseMPopArgsOrReply(CommandContext& ctx, ArgList args, size_t numkeys_at,
                                             std::string_view first, std::string_view second);

}  // namespace kv
