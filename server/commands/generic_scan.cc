// KEYS and SCAN over the sharded keyspace (Redis db.c keysCommand / scanGenericCommand).
//
// The SCAN cursor. A key's position is (its shard, the top 48 bits of its 64-bit hash); the
// cursor is the next position to visit, packed as shard << 48 | hash48, and 0 both starts and
// ends an iteration. Each call visits the keys of one shard whose hash48 is >= the cursor's, in a
// batch of the smallest ones (every key of the batch's last hash48 included, so equal prefixes
// never straddle two calls), and returns the position after the batch.
//
// Guarantee: a full iteration returns every key that is present from its start to its end
// exactly once, and never returns a key twice unless it was deleted and re-added — whatever the
// tables do meanwhile, because positions are hashes, not slots: a table growing, shrinking or
// rehashing moves no key to another position. (Redis only promises "at least once".) A key
// added or deleted during the iteration may or may not be returned.
//
// Cost: a call hashes every key of the shard it visits, so it returns at least 1/16 of that
// shard's keys (COUNT is a hint, as in Redis) to keep a full iteration linear: about 16 hashes
// per key in all. Expired keys are skipped, MATCH and TYPE filter the batch after it is chosen,
// so a call may return fewer keys than COUNT, or none, with a non-zero cursor.

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <string>
#include <vector>

#include "server/commands/arg_parsing.h"
#include "server/commands/command_registry.h"
#include "server/db/glob.h"

namespace kv {
namespace {

constexpr int kPosBits = 48;
constexpr uint64_t kPosMask = (uint64_t{1} << kPosBits) - 1;
constexpr size_t kMinBatchDivisor = 16;

bool IsLive(const Entry& e, int64_t now_ms) {
  return e.expire_at_ms == 0 || e.expire_at_ms > now_ms;
}

void CmdKeys(CommandContext& ctx, ArgList args) {
  std::string_view pattern = args[1];
  const bool all = pattern == "*";
  Keyspace& ks = ctx.server.keyspace;
  std::vector<std::string_view> out;
  for (size_t s = 0; s < ks.num_shards(); ++s) {
    for (const EntryPtr& e : ks.shard(s).dbs[static_cast<size_t>(ctx.client.db)].map()) {
      if (IsLive(*e, ctx.now_ms) && (all || GlobMatch(pattern, e->key()))) out.push_back(e->key());
    }
  }
  ctx.rb.ArrayHeader(out.size());
  for (std::string_view k : out) ctx.rb.Bulk(k);
}

// Redis's parseScanCursorOrReply: strtoul rules, so "+5" is accepted and "-1" wraps.
std::optional<uint64_t> ParseCursorOrReply(CommandContext& ctx, std::string_view arg) {
  std::string buf(arg);
  char* end = nullptr;
  errno = 0;
  uint64_t v = std::strtoull(buf.c_str(), &end, 10);
  if (buf.empty() || std::isspace(static_cast<unsigned char>(buf[0])) ||
      end != buf.c_str() + buf.size() || errno == ERANGE) {
    ctx.rb.Error(resp::kInvalidCursorErr);
    return std::nullopt;
  }
  return v;
}

struct ScanOptions {
  int64_t count = 10;
  std::string_view pattern;  // empty: no MATCH (or MATCH *)
  bool has_type = false;
  std::string_view type;
};

bool ParseScanOptionsOrReply(CommandContext& ctx, ArgList args, ScanOptions* opt) {
  for (size_t i = 2; i < args.size(); i += 2) {
    bool has_value = i + 1 < args.size();
    if (EqualsIgnoreCase(args[i], "COUNT") && has_value) {
      auto c = ParseIntOrReply(ctx, args[i + 1]);
      if (!c) return false;
      if (*c < 1) {
        ctx.rb.Error(resp::kSyntaxErr);
        return false;
      }
      opt->count = *c;
    } else if (EqualsIgnoreCase(args[i], "MATCH") && has_value) {
      opt->pattern = args[i + 1] == "*" ? std::string_view() : args[i + 1];
    } else if (EqualsIgnoreCase(args[i], "TYPE") && has_value) {
      opt->has_type = true;
      opt->type = args[i + 1];
    } else {
      ctx.rb.Error(resp::kSyntaxErr);
      return false;
    }
  }
  return true;
}

// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]
void CmdScan(CommandContext& ctx, ArgList args) {
  auto cursor = ParseCursorOrReply(ctx, args[1]);
  if (!cursor) return;
  ScanOptions opt;
  if (!ParseScanOptionsOrReply(ctx, args, &opt)) return;

  Keyspace& ks = ctx.server.keyspace;
  const auto db = static_cast<size_t>(ctx.client.db);
  uint64_t shard = *cursor >> kPosBits;
  uint64_t pos = *cursor & kPosMask;
  size_t visited = 0;
  std::vector<std::string_view> out;
  std::vector<std::pair<uint64_t, const Entry*>> batch;
  uint64_t next = 0;  // stays 0 when the last shard is done

  while (shard < ks.num_shards()) {
    const DbTable& t = ks.shard(shard).dbs[db];
    batch.clear();
    for (const EntryPtr& e : t.map()) {
      uint64_t h = HashKey(e->key()) >> (64 - kPosBits);
      if (h >= pos) batch.emplace_back(h, e.get());
    }
    const size_t want = std::max(static_cast<size_t>(opt.count), t.size() / kMinBatchDivisor);
    bool shard_done = true;
    if (batch.size() > want) {
      // Keep the `want` smallest positions plus any ties with the largest of them.
      std::nth_element(batch.begin(), batch.begin() + static_cast<std::ptrdiff_t>(want - 1),
                       batch.end());
      uint64_t last = batch[want - 1].first;
      std::erase_if(batch, [last](const auto& p) { return p.first > last; });
      if (last < kPosMask) {
        shard_done = false;
        next = (shard << kPosBits) | (last + 1);
      }
    }
    for (const auto& [h, e] : batch) {
      if (!IsLive(*e, ctx.now_ms)) continue;
      if (!opt.pattern.empty() && !GlobMatch(opt.pattern, e->key())) continue;
      if (opt.has_type && !EqualsIgnoreCase(opt.type, TypeName(e->value.type()))) continue;
      out.push_back(e->key());
    }
    visited += batch.size();
    if (!shard_done) break;
    ++shard;
    pos = 0;
    if (shard < ks.num_shards() && visited >= static_cast<size_t>(opt.count)) {
      next = shard << kPosBits;
      break;
    }
  }

  ctx.rb.ArrayHeader(2);
  ctx.rb.Bulk(std::to_string(next));
  ctx.rb.ArrayHeader(out.size());
  for (std::string_view k : out) ctx.rb.Bulk(k);
}

}  // namespace

void RegisterGenericScanCommands(CommandRegistry& r) {
  r.Add({"keys", 2, kReadOnly | kAllShards, 0, 0, 0, CmdKeys});
  r.Add({"scan", -2, kReadOnly | kAllShards, 0, 0, 0, CmdScan});
}

}  // namespace kv
