#pragma once

// SSCAN / ZSCAN: the cursor and the MATCH / COUNT options (Redis's scanGenericCommand), shared by
// the set and sorted set families.
//
// What a call returns: every member, cursor 0, in one reply, whatever COUNT says. Redis 7 does
// the same for its small encodings (intset, listpack) and COUNT is only a hint there too; for a
// large hashtable-encoded collection Redis would return about COUNT items per call instead. A
// client looping until cursor 0 gets the same members either way, only in one round trip.

#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "server/commands/arg_parsing.h"
#include "server/db/glob.h"

namespace kv {

// Redis's parseScanCursorOrReply: strtoul rules (no leading space, no trailing bytes, no overflow).
inline std::optional<uint64_t> ParseScanCursor(std::string_view s) {
  std::string buf(s);
  if (!buf.empty() && std::isspace(static_cast<unsigned char>(buf[0]))) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  unsigned long long v = std::strtoull(buf.c_str(), &end, 10);
  if (*end != '\0' || errno == ERANGE) return std::nullopt;
  return v;
}

struct ScanOptions {
  std::optional<std::string> pattern;  // unset: every member
  int64_t count = 10;

  bool Matches(std::string_view member) const { return !pattern || GlobMatch(*pattern, member); }
};

// Parses [MATCH pattern] [COUNT count] from args[first..]; replies and returns false on error.
inline bool ParseScanOptionsOrReply(CommandContext& ctx, ArgList args, size_t first,
                                    ScanOptions* opt) {
  for (size_t i = first; i < args.size(); i += 2) {
    if (i + 1 >= args.size()) {
      ctx.rb.Error(resp::kSyntaxErr);
      return false;
    }
    if (EqualsIgnoreCase(args[i], "count")) {
      auto v = ParseIntOrReply(ctx, args[i + 1]);
      if (!v) return false;
      if (*v < 1) {
        ctx.rb.Error(resp::kSyntaxErr);
        return false;
      }
      opt->count = *v;
    } else if (EqualsIgnoreCase(args[i], "match")) {
      // A bare "*" matches everything, including the empty member GlobMatch would refuse.
      if (args[i + 1] == "*") {
        opt->pattern.reset();
      } else {
        opt->pattern = std::string(args[i + 1]);
      }
    } else {
      ctx.rb.Error(resp::kSyntaxErr);
      return false;
    }
  }
  return true;
}

}  // namespace kv
