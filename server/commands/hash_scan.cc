// HSCAN key cursor [MATCH pattern] [COUNT count]
//
// A small hash (up to 128 fields, Redis's listpack size) is returned whole with cursor 0, as Redis
// does for listpack-encoded hashes. A larger one is walked in the order of a hash of the field
// name: the cursor is the next hash value to visit, so a field present for the whole scan is
// returned whatever is inserted or deleted meanwhile (SCAN's guarantee), and no field is returned
// twice unless it was deleted and re-added. Each call reads the whole table (there is no
// positional iterator that survives a rehash), so a call returns at least 1/32 of the table:
// a full scan costs O(32 n) whatever COUNT says, and COUNT stays a hint, as in Redis.

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <functional>

#include "server/commands/arg_parsing.h"
#include "server/commands/command_registry.h"
#include "server/db/glob.h"

namespace kv {
namespace {

constexpr size_t kSmallHash = 128;
constexpr size_t kMinFraction = 32;

// Redis's parseScanCursorOrReply: strtoul rules (so "" is 0 and "-1" wraps), no leading space.
std::optional<uint64_t> ParseCursor(std::string_view s) {
  std::string buf(s);
  char* end = nullptr;
  errno = 0;
  unsigned long v = std::strtoul(buf.c_str(), &end, 10);
  if ((!buf.empty() && std::isspace(static_cast<unsigned char>(buf[0]))) || *end != '\0' ||
      errno == ERANGE) {
    return std::nullopt;
  }
  return v;
}

// 63 bits, so that "last + 1" never wraps to the terminating cursor 0.
uint64_t FieldOrder(std::string_view field) { return std::hash<std::string_view>{}(field) >> 1; }

void CmdHScan(CommandContext& ctx, ArgList args) {
  auto cursor = ParseCursor(args[2]);
  if (!cursor) return ctx.rb.Error("ERR invalid cursor");
  bool wrong = false;
  Entry* e = FindTyped(ctx, args[1], ValueType::kHash, &wrong);
  if (wrong) return;
  if (e == nullptr) {
    ctx.rb.ArrayHeader(2);
    ctx.rb.Bulk("0");
    return ctx.rb.ArrayHeader(0);
  }
  int64_t count = 10;
  std::optional<std::string_view> pattern;
  for (size_t i = 3; i < args.size(); i += 2) {
    if (i + 1 >= args.size()) return ctx.rb.Error(resp::kSyntaxErr);
    if (EqualsIgnoreCase(args[i], "count")) {
      auto v = ParseIntOrReply(ctx, args[i + 1]);
      if (!v) return;
      if (*v < 1) return ctx.rb.Error(resp::kSyntaxErr);
      count = *v;
    } else if (EqualsIgnoreCase(args[i], "match")) {
      pattern = args[i + 1];
      // "*" matches everything, including the empty field GlobMatch would refuse.
      if (*pattern == "*") pattern.reset();
    } else {
      return ctx.rb.Error(resp::kSyntaxErr);
    }
  }

  const HashValue& h = e->value.hash();
  using Item = std::pair<uint64_t, const HashValue::value_type*>;
  std::vector<Item> batch;
  uint64_t next = 0;
  if (h.size() <= kSmallHash) {
    for (const auto& kv : h) batch.emplace_back(0, &kv);
  } else {
    for (const auto& kv : h) {
      uint64_t order = FieldOrder(kv.first);
      if (order >= *cursor) batch.emplace_back(order, &kv);
    }
    size_t want = std::max<size_t>(static_cast<size_t>(count), h.size() / kMinFraction);
    if (batch.size() > want) {
      std::nth_element(batch.begin(), batch.begin() + static_cast<ptrdiff_t>(want - 1),
                       batch.end());
      uint64_t last = batch[want - 1].first;
      // Fields sharing the boundary hash go together, or the next cursor would skip some.
      batch.erase(std::remove_if(batch.begin(), batch.end(),
                                 [last](const Item& it) { return it.first > last; }),
                  batch.end());
      next = last + 1;
    }
  }
  if (pattern) {
    batch.erase(
        std::remove_if(batch.begin(), batch.end(),
                       [&](const Item& it) { return !GlobMatch(*pattern, it.second->first); }),
        batch.end());
  }
  ctx.rb.ArrayHeader(2);
  ctx.rb.Bulk(std::to_string(next));
  ctx.rb.ArrayHeader(batch.size() * 2);
  for (const Item& it : batch) {
    ctx.rb.Bulk(it.second->first);
    ctx.rb.Bulk(it.second->second);
  }
}

}  // namespace

void RegisterHashScan(CommandRegistry& r) { r.Add({"hscan", -3, kReadOnly, 1, 1, 1, CmdHScan}); }

}  // namespace kv
