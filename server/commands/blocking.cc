#include "server/commands/blocking.h"

#include <algorithm>

#include "server/base/clock.h"
#include "server/commands/server_state.h"
#include "server/resp/errors.h"
#include "server/resp/reply_builder.h"

namespace kv {
namespace {

using PostFn = std::function<void(ClientState&, resp::ReplyBuilder&)>;

// The reply of a served waiter also carries the AOF sequence of its pop, so that with
// appendfsync always the reply waits until that record is durable.
PostFn Unblock(uint64_t seq, std::function<void(resp::ReplyBuilder&)> reply) {
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
  w->db = ctx.client.db;
  w->action = std::move(action);
  for (std::string_view k : keys) {
    if (std::find(w->keys.begin(), w->keys.end(), k) == w->keys.end()) w->keys.emplace_back(k);
  }
  {
    std::lock_guard lk(mu_);
    for (const std::string& k : w->keys) queues_[QueueKey(w->db, k)].push_back(w);
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
    if (e == nullptr || e->value.type() != ValueType::kList || e->value.list().empty()) return;
    std::shared_ptr<Waiter> w = it->second.front();
    RemoveLocked(w);
    auto ch = w->channel.lock();
    if (!ch) continue;  // gone: it must not take the element
    const Action& a = w->action;
    if (!a.dest) {
      std::string v = PopOne(e->value.list(), a.from);
      DeleteIfEmptyList(table, key, e);
      uint64_t seq = Log(db, {PopName(a.from), key});
      ch->Post(Unblock(seq, [key, v = std::move(v)](resp::ReplyBuilder& rb) {
        rb.ArrayHeader(2);
        rb.Bulk(key);
        rb.Bulk(v);
      }));
    } else if (ks.ShardIndex(*a.dest) == shard) {
      // Same shard, whose lock we hold: move atomically, as LMOVE.
      const std::string& dest = *a.dest;
      Entry* d = table.Find(dest, now);
      if (d != nullptr && d->value.type() != ValueType::kList) {
        ch->Post(Unblock(0, [](resp::ReplyBuilder& rb) { rb.Error(resp::kWrongTypeErr); }));
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
      ch->Post(Unblock(seq, [v = std::move(v)](resp::ReplyBuilder& rb) { rb.Bulk(v); }));
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
      if (ch) ch->Post(Unblock(seq, [v = m.value](resp::ReplyBuilder& rb) { rb.Bulk(v); }));
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
  if (ch) ch->Post(Unblock(0, [](resp::ReplyBuilder& rb) { rb.Error(resp::kWrongTypeErr); }));
}

void InstallBlocking(ServerState& server) {
  server.blocking = std::make_shared<BlockingRegistry>(server);
  server.key_observers.push_back(server.blocking.get());
}

}  // namespace kv
