#include "server/commands/blocking.h"

#include <algorithm>
#include <cmath>

#include "server/base/clock.h"
#include "server/base/string_util.h"
#include "server/commands/server_state.h"
#include "server/resp/errors.h"
#include "server/resp/reply_builder.h"

namespace kv {
namespace {

using PostFn = std::function<void(ClientState&, resp::ReplyBuilder&)>;

// The reply of a served waiter also carries the AOF sequence of its pop, so that with
// appendfsync always the reply waits until that record is durable.
PostFn ServedReply(uint64_t seq, std::function<void(resp::ReplyBuilder&)> reply) {
  return [seq, reply = std::move(reply)](ClientState& c, resp::ReplyBuilder& rb) {
    c.blocked = false;
    c.last_write_seq = std::max(c.last_write_seq, seq);
    reply(rb);
  };
}

// The on-close hook of a blocked client. A named type so that Block() finds the hook of an
// earlier block of the same client and reuses it instead of piling up one hook per BLPOP.
struct LeaveQueuesOnClose {
  std::function<void()> leave;
  void operator()() const { leave(); }
};

std::string_view PopName(ListEnd e) { return e == ListEnd::kLeft ? "LPOP" : "RPOP"; }
std::string_view PushName(ListEnd e) { return e == ListEnd::kLeft ? "LPUSH" : "RPUSH"; }

}  // namespace

std::string BlockingRegistry::QueueKey(int db, std::string_view key) {
  std::string out(reinterpret_cast<const char*>(&db), sizeof(db));
  out.append(key);
  return out;
}

void BlockingRegistry::Block(CommandContext& ctx, ArgList keys, Action action, int64_t timeout_ms) {
  auto w = std::make_shared<Waiter>();
  w->channel = ctx.client.channel;
  w->client_id = ctx.client.id;
  w->db = ctx.client.db;
  w->action = std::move(action);
  for (std::string_view k : keys) {
    if (std::find(w->keys.begin(), w->keys.end(), k) == w->keys.end()) w->keys.emplace_back(k);
  }
  {
    std::lock_guard lk(mu_);
    for (const std::string& k : w->keys) queues_[QueueKey(w->db, k)].push_back(w);
    if (w->client_id != 0) by_client_[w->client_id] = w;
    blocked_.fetch_add(1, std::memory_order_relaxed);
  }
  ctx.client.blocked = true;

  std::weak_ptr<Waiter> weak = w;
  LeaveQueuesOnClose hook{[this, weak] {
    std::lock_guard lk(mu_);
    if (auto w = weak.lock(); w && !w->done) RemoveLocked(w);
  }};
  auto& hooks = ctx.client.on_close;
  auto old = std::find_if(hooks.begin(), hooks.end(), [](const std::function<void()>& f) {
    return f.target<LeaveQueuesOnClose>() != nullptr;
  });
  if (old != hooks.end()) {
    *old = std::move(hook);
  } else {
    hooks.emplace_back(std::move(hook));
  }
  // Beyond a century the wait is "forever": a timer that far out would overflow the steady
  // clock's nanoseconds.
  constexpr int64_t kForeverMs = int64_t{100} * 365 * 24 * 3600 * 1000;
  if (timeout_ms > 0 && timeout_ms < kForeverMs) {
    if (auto ch = ctx.client.channel.lock()) {
      ch->PostAfter(std::chrono::milliseconds(timeout_ms),
                    [this, weak](ClientState& c, resp::ReplyBuilder& rb) {
                      auto w = weak.lock();
                      if (!w) return;  // served and gone
                      {
                        std::lock_guard lk(mu_);
                        if (w->done) return;
                        RemoveLocked(w);
                      }
                      c.blocked = false;
                      rb.NullArray();
                    });
    }
  }
}

void BlockingRegistry::RemoveLocked(const std::shared_ptr<Waiter>& w) {
  if (w->done) return;
  w->done = true;
  if (auto it = by_client_.find(w->client_id); it != by_client_.end() && it->second.lock() == w) {
    by_client_.erase(it);
  }
  for (const std::string& k : w->keys) {
    auto it = queues_.find(QueueKey(w->db, k));
    if (it == queues_.end()) continue;
    auto& q = it->second;
    q.erase(std::remove(q.begin(), q.end(), w), q.end());
    if (q.empty()) queues_.erase(it);
  }
  blocked_.fetch_sub(1, std::memory_order_relaxed);
}

uint64_t BlockingRegistry::Log(int db, std::initializer_list<std::string_view> argv) {
  WriteLog* log = server_.write_log.load(std::memory_order_acquire);
  if (log == nullptr) return 0;
  std::vector<std::string_view> v(argv);
  return log->Append(db, v);
}

void BlockingRegistry::NotifyOthers(int db, std::string_view key) {
  for (KeyObserver* obs : server_.key_observers) {
    if (obs != this) obs->OnKeyModified(db, key);
  }
}

// Whether a waiter of this kind can be served from `v` (a non-empty list or sorted set).
bool BlockingRegistry::Wants(const Action& a, const Value& v) {
  if (a.zset) return v.type() == ValueType::kZSet && !v.zset().empty();
  return v.type() == ValueType::kList && !v.list().empty();
}

void BlockingRegistry::ServeKeyLocked(int db, const std::string& key,
                                      std::vector<std::string>* touched) {
  const std::string qkey = QueueKey(db, key);
  Keyspace& ks = server_.keyspace;
  const size_t shard = ks.ShardIndex(key);
  DbTable& table = ks.shard(shard).dbs[static_cast<size_t>(db)];
  const int64_t now = UnixMillis();
  while (true) {
    auto it = queues_.find(qkey);
    if (it == queues_.end()) return;
    Entry* e = table.Find(key, now);
    if (e == nullptr) return;
    // The oldest waiter that this value can serve; the others keep their place.
    auto& q = it->second;
    auto wit = std::find_if(q.begin(), q.end(), [e](const std::shared_ptr<Waiter>& w) {
      return Wants(w->action, e->value);
    });
    if (wit == q.end()) return;
    std::shared_ptr<Waiter> w = *wit;
    RemoveLocked(w);
    auto ch = w->channel.lock();
    if (!ch) continue;  // gone: it must not take the element
    const Action& a = w->action;
    if (a.zset) {
      ServeZPop(db, key, table, e, a, *ch);
    } else if (!a.dest) {
      ServeListPop(db, key, table, e, a, *ch);
    } else if (ks.ShardIndex(*a.dest) == shard) {
      // Same shard, whose lock we hold: move atomically, as LMOVE.
      const std::string& dest = *a.dest;
      Entry* d = table.Find(dest, now);
      if (d != nullptr && d->value.type() != ValueType::kList) {
        ch->Post(ServedReply(0, [](resp::ReplyBuilder& rb) { rb.Error(resp::kWrongTypeErr); }));
        continue;
      }
      std::string v = PopOne(e->value.list(), a.from);
      if (d == nullptr) {
        d = table.Upsert(dest, Value::NewList());
        e = table.Find(key, now);  // the insert may have moved it
      }
      PushOne(d->value.list(), a.to, v);
      DeleteIfEmptyList(table, key, e);
      uint64_t seq = Log(db, {"LMOVE", key, dest, ListEndName(a.from), ListEndName(a.to)});
      ch->Post(ServedReply(seq, [v = std::move(v)](resp::ReplyBuilder& rb) { rb.Bulk(v); }));
      if (dest != key) touched->push_back(dest);
    } else {
      std::string v = PopOne(e->value.list(), a.from);
      DeleteIfEmptyList(table, key, e);
      Log(db, {PopName(a.from), key});
      pending_moves_.push_back({w, key, std::move(v)});
      has_pending_.store(true, std::memory_order_release);
    }
  }
}

void BlockingRegistry::ServeListPop(int db, const std::string& key, DbTable& table, Entry* e,
                                    const Action& a, ClientChannel& ch) {
  ListValue& list = e->value.list();
  if (!a.count) {
    std::string v = PopOne(list, a.from);
    DeleteIfEmptyList(table, key, e);
    uint64_t seq = Log(db, {PopName(a.from), key});
    ch.Post(ServedReply(seq, [key, v = std::move(v)](resp::ReplyBuilder& rb) {
      rb.ArrayHeader(2);
      rb.Bulk(key);
      rb.Bulk(v);
    }));
    return;
  }
  // BLMPOP: logged as LPOP/RPOP key n, which LMPOP's immediate path logs too.
  size_t take = std::min(*a.count, list.size());
  std::vector<std::string> popped;
  popped.reserve(take);
  for (size_t i = 0; i < take; ++i) popped.push_back(PopOne(list, a.from));
  DeleteIfEmptyList(table, key, e);
  uint64_t seq = Log(db, {PopName(a.from), key, std::to_string(take)});
  ch.Post(ServedReply(seq, [key, popped = std::move(popped)](resp::ReplyBuilder& rb) {
    ReplyListMPop(rb, key, popped);
  }));
}

void BlockingRegistry::ServeZPop(int db, const std::string& key, DbTable& table, Entry* e,
                                 const Action& a, ClientChannel& ch) {
  ZSet& zs = e->value.zset();
  size_t n = a.count.value_or(1);
  std::vector<ZEntry> popped = a.zmax ? zs.PopMax(n) : zs.PopMin(n);
  if (zs.empty()) table.Erase(key);
  // As Redis propagates a served BZPOPMIN/BZMPOP: ZPOPMIN/ZPOPMAX key [count]. Ties are ordered
  // by member, so the replay pops the same members.
  std::string_view cmd = a.zmax ? "ZPOPMAX" : "ZPOPMIN";
  uint64_t seq = a.count ? Log(db, {cmd, key, std::to_string(*a.count)}) : Log(db, {cmd, key});
  ch.Post(ServedReply(seq, [key, popped = std::move(popped), mpop = a.count.has_value()](
                               resp::ReplyBuilder& rb) { ReplyZPop(rb, key, popped, mpop); }));
}

bool BlockingRegistry::Unblock(uint64_t client_id, bool error) {
  std::shared_ptr<Waiter> w;
  {
    std::lock_guard lk(mu_);
    auto it = by_client_.find(client_id);
    if (it == by_client_.end()) return false;
    w = it->second.lock();
    if (!w || w->done) return false;
    RemoveLocked(w);
  }
  auto ch = w->channel.lock();
  if (!ch) return false;  // already gone: nothing to unblock
  ch->Post([error](ClientState& c, resp::ReplyBuilder& rb) {
    c.blocked = false;
    if (error) return rb.Error(resp::kUnblockedErr);
    rb.NullArray();
  });
  return true;
}

void BlockingRegistry::OnKeyModified(int db, std::string_view key) {
  if (blocked_.load(std::memory_order_relaxed) == 0) return;
  std::vector<std::string> touched;
  {
    std::lock_guard lk(mu_);
    ServeKeyLocked(db, std::string(key), &touched);
    // Same-shard moves pushed to keys of this shard, whose lock we hold: their waiters come next.
    for (size_t i = 0; i < touched.size(); ++i) {
      std::string k = touched[i];
      ServeKeyLocked(db, k, &touched);
    }
  }
  for (const std::string& k : touched) NotifyOthers(db, k);
}

void BlockingRegistry::AfterCommand() {
  while (has_pending_.load(std::memory_order_acquire)) {
    std::vector<PendingMove> moves;
    {
      std::lock_guard lk(mu_);
      moves.swap(pending_moves_);
      has_pending_.store(false, std::memory_order_release);
    }
    for (PendingMove& m : moves) FinishMove(m);
  }
}

void BlockingRegistry::FinishMove(PendingMove& m) {
  const Action& a = m.waiter->action;
  const int db = m.waiter->db;
  const std::string& dest = *a.dest;
  Keyspace& ks = server_.keyspace;
  auto ch = m.waiter->channel.lock();  // even when gone, the element must land somewhere
  {
    Shard& shard = ks.shard(ks.ShardIndex(dest));
    std::lock_guard lk(shard.mu);
    DbTable& table = shard.dbs[static_cast<size_t>(db)];
    Entry* d = table.Find(dest, UnixMillis());
    if (d == nullptr || d->value.type() == ValueType::kList) {
      if (d == nullptr) d = table.Upsert(dest, Value::NewList());
      PushOne(d->value.list(), a.to, m.value);
      uint64_t seq = Log(db, {PushName(a.to), dest, m.value});
      if (ch) ch->Post(ServedReply(seq, [v = m.value](resp::ReplyBuilder& rb) { rb.Bulk(v); }));
      for (KeyObserver* obs : server_.key_observers) obs->OnKeyModified(db, dest);
      return;
    }
  }
  // The destination stopped being a list between the block and the pop (Redis checks it before
  // popping): give the element back to the source and report WRONGTYPE.
  Shard& shard = ks.shard(ks.ShardIndex(m.src));
  std::lock_guard lk(shard.mu);
  DbTable& table = shard.dbs[static_cast<size_t>(db)];
  Entry* s = table.Find(m.src, UnixMillis());
  if (s == nullptr || s->value.type() == ValueType::kList) {
    if (s == nullptr) s = table.Upsert(m.src, Value::NewList());
    PushOne(s->value.list(), a.from, m.value);
    Log(db, {PushName(a.from), m.src, m.value});
    for (KeyObserver* obs : server_.key_observers) obs->OnKeyModified(db, m.src);
  }
  if (ch) ch->Post(ServedReply(0, [](resp::ReplyBuilder& rb) { rb.Error(resp::kWrongTypeErr); }));
}

std::optional<int64_t> ParseBlockTimeoutOrReply(CommandContext& ctx, std::string_view arg) {
  // Float seconds rounded up to milliseconds (0.0001 waits 1 ms; only 0 waits forever). A value
  // too large for a long long converts to LLONG_MIN on x86 in Redis and so reads as negative:
  // keep that reply.
  auto secs = ParseLongDouble(arg);
  if (!secs) {
    ctx.rb.Error(resp::kTimeoutNotFloatErr);
    return std::nullopt;
  }
  long double ms = std::ceil(*secs * 1000.0L);
  if (!(ms > -9.2e18L && ms < 9.2e18L) || static_cast<int64_t>(ms) < 0) {
    ctx.rb.Error(resp::kTimeoutNegativeErr);
    return std::nullopt;
  }
  return static_cast<int64_t>(ms);
}

void BlockOrNull(CommandContext& ctx, ArgList keys, BlockingRegistry::Action action,
                 int64_t timeout_ms, bool null_bulk) {
  if (ctx.client.in_exec || ctx.server.blocking == nullptr || ctx.client.channel.expired()) {
    return null_bulk ? ctx.rb.NullBulk() : ctx.rb.NullArray();
  }
  ctx.server.blocking->Block(ctx, keys, std::move(action), timeout_ms);
}

void ReplyZPop(resp::ReplyBuilder& rb, std::string_view key, const std::vector<ZEntry>& popped,
               bool mpop) {
  if (mpop) {
    rb.ArrayHeader(2);
    rb.Bulk(key);
    rb.ArrayHeader(popped.size());
  } else {
    rb.ArrayHeader(popped.size() * 2 + 1);
    rb.Bulk(key);
  }
  for (const ZEntry& z : popped) {
    if (mpop) rb.ArrayHeader(2);
    rb.Bulk(z.member);
    rb.Double(z.score);
  }
}

void ReplyListMPop(resp::ReplyBuilder& rb, std::string_view key,
                   const std::vector<std::string>& popped) {
  rb.ArrayHeader(2);
  rb.Bulk(key);
  rb.ArrayHeader(popped.size());
  for (const std::string& v : popped) rb.Bulk(v);
}

void InstallBlocking(ServerState& server) {
  server.blocking = std::make_shared<BlockingRegistry>(server);
  server.key_observers.push_back(server.blocking.get());
}

}  // namespace kv
