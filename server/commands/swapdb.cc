// SWAPDB index1 index2 (Redis db.c swapdbCommand): the two logical databases exchange their
// contents on every shard at once, under every shard lock (kAllShards). Clients stay on their
// database index, so they see the other contents from their next command.

#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "server/commands/arg_parsing.h"
#include "server/commands/command_registry.h"
#include "server/commands/key_observer.h"

namespace kv {
namespace {

std::optional<int> ParseDbIndexOrReply(CommandContext& ctx, std::string_view arg,
                                       std::string_view err) {
  auto v = ParseInt64(arg);
  if (!v || *v < std::numeric_limits<int>::min() || *v > std::numeric_limits<int>::max()) {
    ctx.rb.Error(err);
    return std::nullopt;
  }
  return static_cast<int>(*v);
}

void CmdSwapDb(CommandContext& ctx, ArgList args) {
  auto a = ParseDbIndexOrReply(ctx, args[1], "ERR invalid first DB index");
  if (!a) return;
  auto b = ParseDbIndexOrReply(ctx, args[2], "ERR invalid second DB index");
  if (!b) return;
  Keyspace& ks = ctx.server.keyspace;
  auto dbs = static_cast<int64_t>(ks.num_dbs());
  if (*a < 0 || *a >= dbs || *b < 0 || *b >= dbs) {
    return ctx.rb.Error(resp::kDbIndexOutOfRangeErr);
  }
  // WATCH flags the keys that exist in either database before the swap, as Redis's
  // touchAllWatchedKeysInDb.
  for (KeyObserver* obs : ctx.server.key_observers) {
    obs->OnFlush(*a);
    if (*b != *a) obs->OnFlush(*b);
  }
  for (size_t s = 0; s < ks.num_shards(); ++s) {
    auto& tables = ks.shard(s).dbs;
    std::swap(tables[static_cast<size_t>(*a)], tables[static_cast<size_t>(*b)]);
  }
  // Clients blocked on a key that now exists in their database may be served: every key of the
  // two databases is reported as modified (Redis's scanDatabaseForReadyKeys looks at the blocked
  // keys only; the observers' fast path makes the others cheap).
  if (!ctx.server.key_observers.empty()) {
    for (int db : {*a, *b}) {
      for (size_t s = 0; s < ks.num_shards(); ++s) {
        for (const EntryPtr& e : ks.shard(s).dbs[static_cast<size_t>(db)].map()) {
          ctx.ModifiedInDb(db, e->key());
        }
      }
      if (*b == *a) break;
    }
  }
  ctx.MarkDirty();
  ctx.rb.Ok();
}

}  // namespace

void RegisterSwapDbCommand(CommandRegistry& r) {
  r.Add({"swapdb", 3, kWrite | kFast | kAllShards, 0, 0, 0, CmdSwapDb});
}

}  // namespace kv
