// BGREWRITEAOF and WAITAOF: thin command layer over the AOF module's AofControl (server/aof).

#include "server/base/clock.h"
#include "server/commands/arg_parsing.h"
#include "server/commands/command_context.h"
#include "server/commands/command_registry.h"
#include "server/resp/errors.h"

namespace kv {
namespace {

constexpr std::string_view kNoAofErr = "ERR this server was built without AOF support";

void CmdBgRewriteAof(CommandContext& ctx, ArgList) {
  AofControl* aof = ctx.server.aof;
  if (aof == nullptr) return ctx.rb.Error(kNoAofErr);
  if (auto err = aof->StartRewrite(AofControl::RewriteTrigger::kCommand)) {
    return ctx.rb.Error(*err);
  }
  // Inside EXEC the rewrite's cut waits for the transaction's locks: Redis says "scheduled" there.
  ctx.rb.SimpleString(ctx.client.in_exec ? "Background append only file rewriting scheduled"
                                         : "Background append only file rewriting started");
}

void ReplyWaitAof(resp::ReplyBuilder& rb, bool local) {
  rb.ArrayHeader(2);
  rb.Integer(local ? 1 : 0);
  rb.Integer(0);  // no replicas
}

// WAITAOF numlocal numreplicas timeout (Redis 7.2): waits until this client's last write is
// fsynced locally. There are no replicas, so numreplicas > 0 waits for the timeout, as Redis
// does when too few replicas acknowledge.
void CmdWaitAof(CommandContext& ctx, ArgList args) {
  auto numlocal = ParseIntOrReply(ctx, args[1]);
  if (!numlocal) return;
  if (*numlocal < 0 || *numlocal > 1) {
    return ctx.rb.Error("ERR value is out of range, must be between 0 and 1");
  }
  auto numreplicas = ParseIntOrReply(ctx, args[2]);
  if (!numreplicas) return;
  if (*numreplicas < 0) return ctx.rb.Error(resp::kOutOfRangeErr);
  auto timeout = ParseInt64(args[3]);
  if (!timeout) return ctx.rb.Error("ERR timeout is not an integer or out of range");
  if (*timeout < 0) return ctx.rb.Error("ERR timeout is negative");

  AofControl* aof = ctx.server.aof;
  bool enabled = aof != nullptr && aof->enabled();
  if (*numlocal > 0 && !enabled) {
    return ctx.rb.Error(
        "ERR WAITAOF cannot be used when numlocal is set but appendonly is disabled.");
  }
  uint64_t seq = ctx.client.last_write_seq;
  bool local = enabled && aof->fsynced_seq() >= seq;
  auto channel = ctx.client.channel.lock();
  if ((local >= (*numlocal > 0) && *numreplicas == 0) || channel == nullptr || aof == nullptr) {
    return ReplyWaitAof(ctx.rb, local);
  }
  // Block the client; the AOF writer answers through the client's own I/O thread.
  ctx.client.blocked = true;
  int64_t deadline = *timeout == 0 ? 0 : UnixMillis() + *timeout;
  std::weak_ptr<ClientChannel> weak = channel;
  aof->WaitFsynced(seq, deadline, *numreplicas > 0, [weak](bool fsynced) {
    if (auto ch = weak.lock()) {
      ch->Post([fsynced](ClientState& c, resp::ReplyBuilder& rb) {
        c.blocked = false;
        ReplyWaitAof(rb, fsynced);
      });
    }
  });
}

}  // namespace

void RegisterAofFamily(CommandRegistry& r) {
  r.Add({"bgrewriteaof", 1, kAdmin, 0, 0, 0, CmdBgRewriteAof});
  r.Add({"waitaof", 4, kNoMulti, 0, 0, 0, CmdWaitAof});
}

}  // namespace kv
