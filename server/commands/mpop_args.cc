#include "server/commands/mpop_args.h"

#include "server/base/string_util.h"
#include "server/resp/errors.h"

namespace kv {

std::optional<MPopArgs> ParseMPopArgsOrReply(CommandContext& ctx, ArgList args, size_t numkeys_at,
                                             std::string_view first, std::string_view second) {
  auto numkeys = ParseInt64(args[numkeys_at]);
  if (!numkeys || *numkeys < 1) {
    ctx.rb.Error(resp::kNumKeysErr);
    return std::nullopt;
  }
  // At least the side word must follow the keys.
  if (static_cast<uint64_t>(*numkeys) >= args.size() - numkeys_at - 1) {
    ctx.rb.Error(resp::kSyntaxErr);
    return std::nullopt;
  }
  MPopArgs out;
  out.keys = args.subspan(numkeys_at + 1, static_cast<size_t>(*numkeys));
  const size_t side_at = numkeys_at + 1 + out.keys.size();
  if (EqualsIgnoreCase(args[side_at], second)) {
    out.second = true;
  } else if (!EqualsIgnoreCase(args[side_at], first)) {
    ctx.rb.Error(resp::kSyntaxErr);
    return std::nullopt;
  }
  bool counted = false;
  for (size_t j = side_at + 1; j < args.size(); ++j) {
    if (!counted && EqualsIgnoreCase(args[j], "count") && j + 1 < args.size()) {
      auto v = ParseInt64(args[++j]);
      if (!v || *v < 1) {
        ctx.rb.Error(resp::kCountPositiveErr);
        return std::nullopt;
      }
      out.count = static_cast<size_t>(*v);
      counted = true;
    } else {
      ctx.rb.Error(resp::kSyntaxErr);
      return std::nullopt;
    }
  }
  return out;
}

}  // namespace kv
