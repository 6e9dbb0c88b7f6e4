#pragma once

// SSCAN / ZSCAN: the cursor and the MATCH / COUNT options (Redis's scanGenericCommand), shared by
// the set and sorted set families.
//
// What a call returns: a collection of up to kScanAllAtOnce members comes whole with cursor 0, as
// Redis 7 does for its small encodings (intset, listpack), where COUNT is ignored too. A larger one
// is walked in the order of a hash of the member: the cursor is the next hash value to visit, so a
// member present for the whole scan is returned whatever is added or removed meanwhile (SCAN's
// guarantee), and none twice unless it was removed and added again. A call reads the whole
// collection (no positional iterator survives a rehash) and returns about max(COUNT, n / 32)
// members, so a full scan costs O(32 n) at worst and COUNT stays a hint, as in Redis.

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/commands/arg_parsing.h"
#include "server/db/glob.h"
#include "server/db/key_hash.h"

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

inline constexpr size_t kScanAllAtOnce = 128;

// One page of a scan over `size` members given by `for_each(fn)` (fn(member, item) for every
// member). Fills `out` with the items of the page that match and returns the next cursor.
template <typename Item, typename ForEach>
uint64_t ScanPage(uint64_t cursor, const ScanOptions& opt, size_t size, ForEach&& for_each,
                  std::vector<Item>* out) {
  if (size <= kScanAllAtOnce) {
    for_each([&](std::string_view member, const Item& item) {
      if (opt.Matches(member)) out->push_back(item);
    });
    return 0;
  }
  struct Visit {
    uint64_t order;
    std::string_view member;
    Item item;
  };
  std::vector<Visit> batch;
  // 63 bits, so that "last + 1" never wraps to the terminating cursor 0.
  for_each([&](std::string_view member, const Item& item) {
    uint64_t order = HashKey(member) >> 1;
    if (order >= cursor) batch.push_back({order, member, item});
  });
  uint64_t next = 0;
  size_t want = std::max<size_t>(static_cast<size_t>(opt.count), size / 32);
  if (batch.size() > want) {
    std::nth_element(batch.begin(), batch.begin() + static_cast<ptrdiff_t>(want - 1), batch.end(),
                     [](const Visit& x, const Visit& y) { return x.order < y.order; });
    uint64_t last = batch[want - 1].order;
    // Members sharing the boundary hash go together, or the next cursor would skip some.
    batch.erase(std::remove_if(batch.begin(), batch.end(),
                               [last](const Visit& v) { return v.order > last; }),
                batch.end());
    next = last + 1;
  }
  // MATCH filters what the page returns, not what it visits (as in Redis).
  for (const Visit& v : batch) {
    if (opt.Matches(v.member)) out->push_back(v.item);
  }
  return next;
}

}  // namespace kv
