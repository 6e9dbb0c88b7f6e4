#pragma once

// Clients blocked in BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP (lists) and BZPOPMIN, BZPOPMAX,
// BZMPOP (sorted sets), and how a write wakes them.
//
// One queue per (db, key) holds list and sorted-set waiters together, in blocking order. A write
// serves the oldest waiter whose kind matches the key's new type (a BZPOPMIN waiter ignores a
// list pushed into its key, as Redis's serveClientsBlockedOnKey does) and keeps going while the
// key holds elements.
//
// Serving: the registry is a KeyObserver. The dispatcher calls OnKeyModified after a write, with
// the key's shard lock held, so a waiter is served right there, atomically with the write that fed
// it: the element is popped under the lock and goes to exactly one waiter, the oldest one blocked
// on that key (FIFO). The reply is posted to the waiter's own I/O thread through its ClientChannel.
// A BLMOVE whose destination lives in another shard pops under the source lock and finishes the
// push in AfterCommand, once the dispatcher released its locks (taking a second shard lock inside
// OnKeyModified could deadlock against a command locking the two shards in ascending order).
//
// Timeouts: Block() asks the client's channel to run a function after the timeout
// (ClientChannel::PostAfter, a steady_timer on the connection's thread); whichever of "served" and
// "timed out" claims the waiter first under the registry mutex wins, the other does nothing.
//
// Disconnect: a waiter holds its channel weakly and the registry adds a ClientState::on_close hook
// that removes the client's waiter, so a gone client never swallows an element.
//
// Lock order: shard locks, then the registry mutex; the registry never takes a shard lock while it
// holds its own mutex.

#include <absl/container/flat_hash_map.h>

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/commands/command_context.h"
#include "server/commands/key_observer.h"
#include "server/commands/list_ops.h"
#include "server/db/zset.h"

namespace kv {

class BlockingRegistry final : public KeyObserver {
 public:
  // What a blocked client does once one of its keys holds elements.
  struct Action {
    ListEnd from = ListEnd::kLeft;
    std::optional<std::string> dest;  // BLMOVE / BRPOPLPUSH
    ListEnd to = ListEnd::kLeft;
    // Sorted-set pops (BZPOPMIN/BZPOPMAX/BZMPOP): pop the highest scores when zmax.
    bool zset = false;
    bool zmax = false;
    // The *MPOP forms (BLMPOP, BZMPOP): pop up to this many and reply [key, [...]]. Unset for the
    // single-element forms, which reply [key, element] (BLPOP) or [key, member, score] (BZPOPMIN).
    std::optional<size_t> count;

    static Action ZPop(bool max, std::optional<size_t> count) {
      Action a;
      a.zset = true;
      a.zmax = max;
      a.count = count;
      return a;
    }
  };

  explicit BlockingRegistry(ServerState& server) : server_(server) {}

  // Blocks ctx.client on `keys` (all absent right now; their shard locks are held) until one gets
  // elements or `timeout_ms` passes (0: forever). Writes no reply now.
  void Block(CommandContext& ctx, ArgList keys, Action action, int64_t timeout_ms);

  void OnKeyModified(int db, std::string_view key) override;
  void OnFlush(int /*db*/) override {}
  void AfterCommand() override;

  // CLIENT UNBLOCK: if client `id` is blocked here, unblocks it with a timeout reply (or, when
  // `error`, Redis's -UNBLOCKED error) posted to its thread, and returns true. Any thread.
  bool Unblock(uint64_t client_id, bool error);

  // Clients currently blocked (INFO clients: blocked_clients).
  size_t blocked_clients() const { return blocked_.load(std::memory_order_relaxed); }

 private:
  struct Waiter {
    std::weak_ptr<ClientChannel> channel;
    uint64_t client_id = 0;
    int db = 0;
    std::vector<std::string> keys;
    Action action;
    bool done = false;  // served, timed out or gone; guarded by mu_
  };
  // A cross-shard BLMOVE whose element is popped and must still be pushed.
  struct PendingMove {
    std::shared_ptr<Waiter> waiter;
    std::string src;
    std::string value;
  };

  static std::string QueueKey(int db, std::string_view key);
  static bool Wants(const Action& a, const Value& v);
  // Marks `w` done and removes it from every queue. Requires mu_.
  void RemoveLocked(const std::shared_ptr<Waiter>& w);
  // Serves the waiters on `key` while it holds elements. Requires mu_ and the key's shard lock.
  // Appends keys it pushed to (same-shard BLMOVE) to `touched`.
  void ServeKeyLocked(int db, const std::string& key, std::vector<std::string>* touched);
  // Pops for a list waiter without a destination (BLPOP, BLMPOP) and posts its reply.
  void ServeListPop(int db, const std::string& key, DbTable& table, Entry* e, const Action& a,
                    ClientChannel& ch);
  // Pops for a sorted-set waiter and posts its reply.
  void ServeZPop(int db, const std::string& key, DbTable& table, Entry* e, const Action& a,
                 ClientChannel& ch);
  void FinishMove(PendingMove& move);
  uint64_t Log(int db, std::initializer_list<std::string_view> argv);
  void NotifyOthers(int db, std::string_view key);

  ServerState& server_;
  std::mutex mu_;
  absl::flat_hash_map<std::string, std::deque<std::shared_ptr<Waiter>>> queues_;
  // Blocked waiters by client id, for CLIENT UNBLOCK (a client blocks on one command at a time).
  absl::flat_hash_map<uint64_t, std::weak_ptr<Waiter>> by_client_;
  std::vector<PendingMove> pending_moves_;
  std::atomic<size_t> blocked_{0};
  std::atomic<bool> has_pending_{false};
};

// Redis's getTimeoutFromObjectOrReply for seconds: the timeout in milliseconds (0: forever), or
// nullopt after replying "timeout is negative" / "timeout is not a float or out of range".
std::optional<int64_t> ParseBlockTimeoutOrReply(CommandContext& ctx, std::string_view arg);

// Blocks the client on `keys`, or answers as on timeout when it may not block (inside EXEC, or
// without a channel to reply through, as during AOF loading): a null bulk if `null_bulk`
// (BLMOVE, BRPOPLPUSH), else a null array.
void BlockOrNull(CommandContext& ctx, ArgList keys, BlockingRegistry::Action action,
                 int64_t timeout_ms, bool null_bulk = false);

// Reply shapes shared by the immediate and the served paths. ReplyZPop: [key, member, score, ...]
// for BZPOPMIN/BZPOPMAX, [key, [[member, score], ...]] for BZMPOP (`mpop`). ReplyListMPop:
// [key, [element, ...]] (BLMPOP, LMPOP).
void ReplyZPop(resp::ReplyBuilder& rb, std::string_view key, const std::vector<ZEntry>& popped,
               bool mpop);
void ReplyListMPop(resp::ReplyBuilder& rb, std::string_view key,
                   const std::vector<std::string>& popped);

// Creates the server's BlockingRegistry and registers it as a key observer. Call once at start-up,
// before clients connect; without it, blocking commands answer as on timeout.
void InstallBlocking(ServerState& server);

}  // namespace kv
