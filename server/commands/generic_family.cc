// Keyspace commands that work on keys of any type (Redis db.c): DEL, UNLINK, EXISTS, TYPE, TOUCH,
// RENAME, RENAMENX, MOVE, COPY, RANDOMKEY, DBSIZE, FLUSHDB, FLUSHALL. TTL commands live in
// generic_expire.cc, KEYS and SCAN in generic_scan.cc.

#include <iterator>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "server/commands/arg_parsing.h"
#include "server/commands/command_registry.h"
#include "server/commands/lazy_free.h"

namespace kv {

void RegisterGenericExpireCommands(CommandRegistry& r);  // generic_expire.cc
void RegisterGenericScanCommands(CommandRegistry& r);    // generic_scan.cc

namespace {

// DEL and UNLINK. UNLINK, and DEL under lazyfree-lazy-user-del, leave big values to the
// background freer (server/commands/lazy_free.h).
void DeleteKeys(CommandContext& ctx, ArgList args, bool unlink) {
  LazyFreer* freer = ctx.server.lazy_free.get();
  const bool lazy = freer != nullptr && (unlink || freer->lazy_user_del());
  int64_t deleted = 0;
  for (size_t i = 1; i < args.size(); ++i) {
    DbTable& db = ctx.Db(args[i]);
    if (db.Find(args[i], ctx.now_ms) == nullptr) continue;
    if (lazy) {
      EntryPtr e = db.Extract(args[i]);
      const size_t effort = LazyFreer::FreeEffort(e->value);
      freer->FreeIfBig(std::move(e), effort);
    } else {
      db.Erase(args[i]);
    }
    ++deleted;
  }
  if (deleted > 0) ctx.MarkDirty(static_cast<uint64_t>(deleted));
  ctx.rb.Integer(deleted);
}

void CmdDel(CommandContext& ctx, ArgList args) { DeleteKeys(ctx, args, /*unlink=*/false); }
void CmdUnlink(CommandContext& ctx, ArgList args) { DeleteKeys(ctx, args, /*unlink=*/true); }

// EXISTS and TOUCH count every argument that names a live key, duplicates included.
void CmdExists(CommandContext& ctx, ArgList args) {
  int64_t n = 0;
  for (size_t i = 1; i < args.size(); ++i) {
    if (ctx.Db(args[i]).Find(args[i], ctx.now_ms) != nullptr) ++n;
  }
  ctx.rb.Integer(n);
}

void CmdType(CommandContext& ctx, ArgList args) {
  Entry* e = ctx.Db(args[1]).Find(args[1], ctx.now_ms);
  ctx.rb.SimpleString(e == nullptr ? "none" : TypeName(e->value.type()));
}

// Tells the observers (WATCH, blocked clients) about a key of a database other than the client's:
// the dispatcher reports the key arguments in the client's database, and these once the command
// is logged (a blocked client served from the key logs its pop after this command).
void NotifyKeyInDb(CommandContext& ctx, int db, std::string_view key) { ctx.ModifiedInDb(db, key); }

// Moves the value and deadline of `src` (which must exist) in `from` to `dst` in `to`,
// replacing whatever `dst` held. `from` and `to` may be the same table.
void MoveEntry(DbTable& from, std::string_view src, DbTable& to, std::string_view dst,
               int64_t now_ms) {
  Entry* e = from.Find(src, now_ms);
  Value v = std::move(e->value);
  int64_t at = e->expire_at_ms;
  from.Erase(src);
  Entry* ne = to.Upsert(dst, std::move(v));
  if (at != 0) to.SetExpire(ne, at);
}

void Rename(CommandContext& ctx, ArgList args, bool nx) {
  std::string_view src = args[1], dst = args[2];
  DbTable& from = ctx.Db(src);
  if (from.Find(src, ctx.now_ms) == nullptr) return ctx.rb.Error(resp::kNoSuchKeyErr);
  if (src == dst) return nx ? ctx.rb.Integer(0) : ctx.rb.Ok();
  DbTable& to = ctx.Db(dst);
  if (nx && to.Find(dst, ctx.now_ms) != nullptr) return ctx.rb.Integer(0);
  MoveEntry(from, src, to, dst, ctx.now_ms);
  ctx.MarkDirty();
  nx ? ctx.rb.Integer(1) : ctx.rb.Ok();
}
void CmdRename(CommandContext& ctx, ArgList args) { Rename(ctx, args, false); }
void CmdRenameNx(CommandContext& ctx, ArgList args) { Rename(ctx, args, true); }

// A database number as Redis's getIntFromObjectOrReply + selectDb check it.
std::optional<int> ParseDbIndexOrReply(CommandContext& ctx, std::string_view arg) {
  auto v = ParseIntOrReply(ctx, arg);
  if (!v) return std::nullopt;
  if (*v < INT32_MIN || *v > INT32_MAX) {
    ctx.rb.Error(resp::kIntOutOfRangeErr);
    return std::nullopt;
  }
  if (*v < 0 || *v >= static_cast<int64_t>(ctx.server.keyspace.num_dbs())) {
    ctx.rb.Error(resp::kDbIndexOutOfRangeErr);
    return std::nullopt;
  }
  return static_cast<int>(*v);
}

// MOVE key db. A key lives in the same shard in every database, so the row's one key locks both.
void CmdMove(CommandContext& ctx, ArgList args) {
  auto db = ParseDbIndexOrReply(ctx, args[2]);
  if (!db) return;
  if (*db == ctx.client.db) return ctx.rb.Error(resp::kSameObjectErr);
  std::string_view key = args[1];
  DbTable& from = ctx.Db(key);
  if (from.Find(key, ctx.now_ms) == nullptr) return ctx.rb.Integer(0);
  DbTable& to = ctx.DbAt(key, *db);
  if (to.Find(key, ctx.now_ms) != nullptr) return ctx.rb.Integer(0);
  MoveEntry(from, key, to, key, ctx.now_ms);
  NotifyKeyInDb(ctx, *db, key);
  ctx.MarkDirty();
  ctx.rb.Integer(1);
}

// COPY source destination [DB destination-db] [REPLACE]
void CmdCopy(CommandContext& ctx, ArgList args) {
  int db = ctx.client.db;
  bool replace = false;
  for (size_t i = 3; i < args.size(); ++i) {
    if (EqualsIgnoreCase(args[i], "REPLACE")) {
      replace = true;
    } else if (EqualsIgnoreCase(args[i], "DB") && i + 1 < args.size()) {
      auto d = ParseDbIndexOrReply(ctx, args[++i]);
      if (!d) return;
      db = *d;
    } else {
      return ctx.rb.Error(resp::kSyntaxErr);
    }
  }
  std::string_view src = args[1], dst = args[2];
  if (db == ctx.client.db && src == dst) return ctx.rb.Error(resp::kSameObjectErr);
  Entry* e = ctx.Db(src).Find(src, ctx.now_ms);
  if (e == nullptr) return ctx.rb.Integer(0);
  DbTable& to = ctx.DbAt(dst, db);
  if (to.Find(dst, ctx.now_ms) != nullptr && !replace) return ctx.rb.Integer(0);
  Value copy = e->value.Clone();
  int64_t at = e->expire_at_ms;
  Entry* ne = to.Upsert(dst, std::move(copy));
  if (at != 0) to.SetExpire(ne, at);
  if (db != ctx.client.db) NotifyKeyInDb(ctx, db, dst);
  ctx.MarkDirty();
  ctx.rb.Integer(1);
}

// RANDOMKEY: a uniformly chosen live key. Walking to the i-th element of a flat_hash_map is
// O(shard size); RANDOMKEY is rare enough for that. Expired keys met on the way are deleted.
void CmdRandomKey(CommandContext& ctx, ArgList) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  Keyspace& ks = ctx.server.keyspace;
  const auto db = static_cast<size_t>(ctx.client.db);
  // Bounded like Redis's dbRandomKey, in case nearly every key has expired.
  for (int attempt = 0; attempt < 100; ++attempt) {
    size_t total = ks.KeyCountLocked(db);
    if (total == 0) break;
    size_t r = std::uniform_int_distribution<size_t>(0, total - 1)(rng);
    for (size_t s = 0; s < ks.num_shards(); ++s) {
      DbTable& t = ks.shard(s).dbs[db];
      if (r >= t.size()) {
        r -= t.size();
        continue;
      }
      const Entry& e = **std::next(t.map().begin(), static_cast<std::ptrdiff_t>(r));
      if (e.expire_at_ms == 0 || e.expire_at_ms > ctx.now_ms) return ctx.rb.Bulk(e.key());
      std::string key(e.key());
      t.Find(key, ctx.now_ms);  // lazily deletes it
      break;
    }
  }
  ctx.rb.NullBulk();
}

void CmdDbSize(CommandContext& ctx, ArgList) {
  ctx.rb.Integer(
      static_cast<int64_t>(ctx.server.keyspace.KeyCountLocked(static_cast<size_t>(ctx.client.db))));
}

// FLUSHDB / FLUSHALL [ASYNC|SYNC]: ASYNC hands the tables' contents to the background freer and
// answers at once; without an option lazyfree-lazy-user-flush decides. nullopt: syntax error sent.
std::optional<bool> ParseFlushAsyncOrReply(CommandContext& ctx, ArgList args) {
  if (args.size() == 1) {
    return ctx.server.lazy_free != nullptr && ctx.server.lazy_free->lazy_user_flush();
  }
  if (args.size() == 2 && EqualsIgnoreCase(args[1], "ASYNC")) return true;
  if (args.size() == 2 && EqualsIgnoreCase(args[1], "SYNC")) return false;
  ctx.rb.Error(resp::kSyntaxErr);
  return std::nullopt;
}

// Empties the tables of database `db` (all of them when db < 0), in the background when `async`.
void FlushTables(CommandContext& ctx, int db, bool async) {
  // Observers first, as Redis's signalFlushedDb: WATCH flags only the keys that exist.
  for (KeyObserver* obs : ctx.server.key_observers) obs->OnFlush(db);
  Keyspace& ks = ctx.server.keyspace;
  LazyFreer* freer = async ? ctx.server.lazy_free.get() : nullptr;
  std::vector<DbTable::Contents> taken;
  for (size_t s = 0; s < ks.num_shards(); ++s) {
    for (size_t d = 0; d < ks.num_dbs(); ++d) {
      if (db >= 0 && d != static_cast<size_t>(db)) continue;
      DbTable& t = ks.shard(s).dbs[d];
      if (freer != nullptr) {
        taken.push_back(t.TakeAll());
      } else {
        t.Clear();
      }
    }
  }
  if (freer != nullptr) freer->Free(std::move(taken));
  ctx.MarkDirty();
  ctx.rb.Ok();
}

void CmdFlushDb(CommandContext& ctx, ArgList args) {
  if (auto async = ParseFlushAsyncOrReply(ctx, args)) FlushTables(ctx, ctx.client.db, *async);
}

void CmdFlushAll(CommandContext& ctx, ArgList args) {
  if (auto async = ParseFlushAsyncOrReply(ctx, args)) FlushTables(ctx, -1, *async);
}

}  // namespace

void RegisterGenericFamily(CommandRegistry& r) {
  r.Add({"del", -2, kWrite, 1, -1, 1, CmdDel});
  r.Add({"unlink", -2, kWrite | kFast, 1, -1, 1, CmdUnlink});
  r.Add({"exists", -2, kReadOnly | kFast, 1, -1, 1, CmdExists});
  r.Add({"touch", -2, kReadOnly | kFast, 1, -1, 1, CmdExists});
  r.Add({"type", 2, kReadOnly | kFast, 1, 1, 1, CmdType});
  r.Add({"rename", 3, kWrite, 1, 2, 1, CmdRename});
  r.Add({"renamenx", 3, kWrite | kFast, 1, 2, 1, CmdRenameNx});
  r.Add({"move", 3, kWrite | kFast, 1, 1, 1, CmdMove});
  r.Add({"copy", -3, kWrite | kDenyOom, 1, 2, 1, CmdCopy});
  r.Add({"randomkey", 1, kReadOnly | kAllShards, 0, 0, 0, CmdRandomKey});
  r.Add({"dbsize", 1, kReadOnly | kFast | kAllShards, 0, 0, 0, CmdDbSize});
  r.Add({"flushdb", -1, kWrite | kAllShards, 0, 0, 0, CmdFlushDb});
  r.Add({"flushall", -1, kWrite | kAllShards, 0, 0, 0, CmdFlushAll});
  RegisterGenericExpireCommands(r);
  RegisterGenericScanCommands(r);
}

}  // namespace kv
