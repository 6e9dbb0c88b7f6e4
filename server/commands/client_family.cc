// CLIENT: connection introspection and administration (SETNAME, GETNAME, ID, LIST, INFO, KILL,
// SETINFO, NO-EVICT, NO-TOUCH, REPLY, HELP), with Redis 7.2's replies and error texts.

#include <algorithm>
#include <mutex>
#include <vector>

#include "server/base/string_util.h"
#include "server/commands/arg_parsing.h"
#include "server/commands/blocking.h"
#include "server/commands/client_info.h"
#include "server/commands/command_context.h"
#include "server/commands/command_registry.h"
#include "server/commands/subcommand.h"
#include "server/resp/errors.h"

namespace kv {

std::string ClientInfoLine(const ClientState& c, int64_t now_ms) {
  std::string name, lib_name, lib_ver;
  {
    std::lock_guard lock(c.names_mu);
    name = c.name;
    lib_name = c.lib_name;
    lib_ver = c.lib_ver;
  }
  int64_t idle_ms = now_ms - c.last_interaction_ms.load(std::memory_order_relaxed);
  // Fields kvcache does not track (buffers, memory) are 0 so that parsers of the line still work.
  return StrPrintf(
      "id=%llu addr=%s laddr=%s fd=%d name=%s age=%lld idle=%lld flags=N db=%d sub=0 psub=0 ssub=0 "
      "multi=-1 qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=0 "
      "tot-mem=0 events=r cmd=%s user=default redir=-1 resp=%d lib-name=%s lib-ver=%s",
      static_cast<unsigned long long>(c.id), c.addr.c_str(), c.laddr.c_str(), c.fd, name.c_str(),
      static_cast<long long>((now_ms - c.created_ms) / 1000),
      static_cast<long long>(std::max<int64_t>(idle_ms, 0) / 1000),
      c.db_for_listing.load(std::memory_order_relaxed),
      c.last_command.load(std::memory_order_relaxed),
      c.resp_for_listing.load(std::memory_order_relaxed), lib_name.c_str(), lib_ver.c_str());
}

bool ValidClientName(std::string_view name) {
  for (char c : name) {
    if (c < '!' || c > '~') return false;
  }
  return true;
}

namespace {

constexpr std::string_view kClientNameErr =
    "ERR Client names cannot contain spaces, newlines or special characters.";

void ClientSetName(CommandContext& ctx, ArgList args) {
  if (!ValidClientName(args[2])) return ctx.rb.Error(kClientNameErr);
  std::lock_guard lock(ctx.client.names_mu);
  ctx.client.name = args[2];
  ctx.rb.Ok();
}

void ClientGetName(CommandContext& ctx, ArgList) {
  std::string name;
  {
    std::lock_guard lock(ctx.client.names_mu);
    name = ctx.client.name;
  }
  if (name.empty()) return ctx.rb.NullBulk();
  ctx.rb.Bulk(name);
}

void ClientId(CommandContext& ctx, ArgList) { ctx.rb.Integer(static_cast<int64_t>(ctx.client.id)); }

void ClientInfo(CommandContext& ctx, ArgList) {
  ctx.rb.Verbatim(ClientInfoLine(ctx.client, ctx.now_ms) + "\n");
}

// CLIENT LIST [TYPE normal|master|replica|pubsub] [ID id [id ...]]
void ClientList(CommandContext& ctx, ArgList args) {
  bool none = false;
  std::vector<uint64_t> ids;
  if (args.size() == 4 && EqualsIgnoreCase(args[2], "type")) {
    std::string type = ToLower(args[3]);
    if (type != "normal" && type != "master" && type != "replica" && type != "slave" &&
        type != "pubsub") {
      return ctx.rb.Error("ERR Unknown client type '" + std::string(args[3]) + "'");
    }
    // Every kvcache client is a normal one; pub/sub clients are not told apart here yet.
    none = type != "normal";
  } else if (args.size() >= 4 && EqualsIgnoreCase(args[2], "id")) {
    for (size_t i = 3; i < args.size(); ++i) {
      auto id = ParseInt64(args[i]);
      if (!id || *id <= 0) return ctx.rb.Error("ERR Invalid client ID");
      ids.push_back(static_cast<uint64_t>(*id));
    }
  } else if (args.size() != 2) {
    return ctx.rb.Error(resp::kSyntaxErr);
  }
  std::string out;
  if (!none) {
    ctx.server.clients.ForEach([&](const ClientState& c) {
      if (!ids.empty() && std::find(ids.begin(), ids.end(), c.id) == ids.end()) return;
      out += ClientInfoLine(c, ctx.now_ms);
      out += '\n';
    });
  }
  ctx.rb.Verbatim(out);
}

// Kills the clients matching the filter; returns how many. The caller's own connection is closed
// after its reply, as Redis's CLIENT_CLOSE_AFTER_COMMAND.
struct KillFilter {
  uint64_t id = 0;
  std::string addr, laddr;
  bool skip_me = true;
  bool only_non_normal = false;  // TYPE master/replica/pubsub: no kvcache client matches
};

size_t KillClients(CommandContext& ctx, const KillFilter& f) {
  std::vector<uint64_t> victims;
  ctx.server.clients.ForEach([&](const ClientState& c) {
    if (f.only_non_normal) return;
    if (f.id != 0 && c.id != f.id) return;
    if (!f.addr.empty() && c.addr != f.addr) return;
    if (!f.laddr.empty() && c.laddr != f.laddr) return;
    if (f.skip_me && c.id == ctx.client.id) return;
    victims.push_back(c.id);
  });
  for (uint64_t id : victims) {
    if (id == ctx.client.id) {
      ctx.client.close_after_reply = true;
    } else if (auto channel = ctx.server.clients.Channel(id)) {
      channel->Close();
    }
  }
  return victims.size();
}

// CLIENT KILL ip:port (old form: OK or "No such client"), or CLIENT KILL <filter> <value> ...
// (new form: the number killed).
void ClientKill(CommandContext& ctx, ArgList args) {
  KillFilter f;
  if (args.size() == 3) {
    f.addr = args[2];
    f.skip_me = false;
    if (KillClients(ctx, f) == 0) return ctx.rb.Error("ERR No such client");
    return ctx.rb.Ok();
  }
  for (size_t i = 2; i < args.size(); i += 2) {
    if (i + 1 >= args.size()) return ctx.rb.Error(resp::kSyntaxErr);
    std::string_view opt = args[i], val = args[i + 1];
    if (EqualsIgnoreCase(opt, "id")) {
      auto id = ParseInt64(val);
      if (!id || *id <= 0) return ctx.rb.Error("ERR client-id should be greater than 0");
      f.id = static_cast<uint64_t>(*id);
    } else if (EqualsIgnoreCase(opt, "type")) {
      std::string type = ToLower(val);
      if (type == "normal") continue;
      if (type != "master" && type != "replica" && type != "slave" && type != "pubsub") {
        return ctx.rb.Error("ERR Unknown client type '" + std::string(val) + "'");
      }
      f.only_non_normal = true;
    } else if (EqualsIgnoreCase(opt, "addr")) {
      f.addr = val;
    } else if (EqualsIgnoreCase(opt, "laddr")) {
      f.laddr = val;
    } else if (EqualsIgnoreCase(opt, "user")) {
      // Only the default user exists.
      if (val != "default") return ctx.rb.Error("ERR No such user '" + std::string(val) + "'");
    } else if (EqualsIgnoreCase(opt, "skipme")) {
      if (EqualsIgnoreCase(val, "yes")) {
        f.skip_me = true;
      } else if (EqualsIgnoreCase(val, "no")) {
        f.skip_me = false;
      } else {
        return ctx.rb.Error(resp::kSyntaxErr);
      }
    } else {
      return ctx.rb.Error(resp::kSyntaxErr);
    }
  }
  ctx.rb.Integer(static_cast<int64_t>(KillClients(ctx, f)));
}

// CLIENT UNBLOCK client-id [TIMEOUT|ERROR]: 1 if the client was blocked (BLPOP, BZPOPMIN...)
// and now gets a timeout reply or the -UNBLOCKED error, else 0. The reason is checked before the
// id, and only these two forms exist, as in Redis 7.0's clientCommand.
void ClientUnblock(CommandContext& ctx, ArgList args) {
  if (args.size() > 4) return ctx.rb.Error(resp::SubcommandSyntaxError(args[1], "client"));
  bool error = false;
  if (args.size() == 4) {
    if (EqualsIgnoreCase(args[3], "error")) {
      error = true;
    } else if (!EqualsIgnoreCase(args[3], "timeout")) {
      return ctx.rb.Error(resp::kUnblockReasonErr);
    }
  }
  auto id = ParseIntOrReply(ctx, args[2]);
  if (!id) return;
  bool unblocked = *id > 0 && ctx.server.blocking != nullptr &&
                   ctx.server.blocking->Unblock(static_cast<uint64_t>(*id), error);
  ctx.rb.Integer(unblocked ? 1 : 0);
}

// CLIENT SETINFO LIB-NAME|LIB-VER value (Redis 7.2): client libraries send it on connect.
void ClientSetInfo(CommandContext& ctx, ArgList args) {
  std::string* dest = nullptr;
  std::lock_guard lock(ctx.client.names_mu);
  if (EqualsIgnoreCase(args[2], "lib-name")) {
    dest = &ctx.client.lib_name;
  } else if (EqualsIgnoreCase(args[2], "lib-ver")) {
    dest = &ctx.client.lib_ver;
  } else {
    return ctx.rb.Error("ERR Unrecognized option '" + std::string(args[2]) + "'");
  }
  if (!ValidClientName(args[3])) {
    return ctx.rb.Error("ERR " + std::string(args[2]) +
                        " cannot contain spaces, newlines or special characters.");
  }
  *dest = args[3];
  ctx.rb.Ok();
}

// CLIENT NO-EVICT / NO-TOUCH on|off.
void ClientOnOff(CommandContext& ctx, ArgList args, bool* flag) {
  if (EqualsIgnoreCase(args[2], "on")) {
    *flag = true;
  } else if (EqualsIgnoreCase(args[2], "off")) {
    *flag = false;
  } else {
    return ctx.rb.Error(resp::kSyntaxErr);
  }
  ctx.rb.Ok();
}
void ClientNoEvict(CommandContext& ctx, ArgList args) {
  ClientOnOff(ctx, args, &ctx.client.no_evict);
}
void ClientNoTouch(CommandContext& ctx, ArgList args) {
  ClientOnOff(ctx, args, &ctx.client.no_touch);
}

// CLIENT REPLY ON|OFF|SKIP. OFF and SKIP reply nothing themselves; the connection drops the
// replies while reply_off is set, and the one of the command after SKIP.
void ClientReply(CommandContext& ctx, ArgList args) {
  if (EqualsIgnoreCase(args[2], "on")) {
    ctx.client.reply_off = false;
    ctx.client.reply_skip_next = false;
    return ctx.rb.Ok();
  }
  if (EqualsIgnoreCase(args[2], "off")) {
    ctx.client.reply_off = true;
    return;
  }
  if (EqualsIgnoreCase(args[2], "skip")) {
    if (!ctx.client.reply_off) ctx.client.reply_skip_next = true;
    return;
  }
  ctx.rb.Error(resp::kSyntaxErr);
}

void ClientHelp(CommandContext& ctx, ArgList) {
  static constexpr std::string_view kLines[] = {
      "GETNAME",
      "    Return the name of the current connection.",
      "ID",
      "    Return the ID of the current connection.",
      "INFO",
      "    Return information about the current client connection.",
      "KILL <ip:port>",
      "    Kill connection made from <ip:port>.",
      "KILL <option> <value> [<option> <value> [...]]",
      "    Kill connections. Options are:",
      "    * ADDR (<ip:port>|<unixsocket>:0)",
      "      Kill connections made from the specified address",
      "    * LADDR (<ip:port>|<unixsocket>:0)",
      "      Kill connections made to specified local address",
      "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
      "      Kill connections by type.",
      "    * USER <username>",
      "      Kill connections authenticated by <username>.",
      "    * SKIPME (YES|NO)",
      "      Skip killing current connection (default: yes).",
      "    * ID <client-id>",
      "      Kill connections by client id.",
      "LIST [options ...]",
      "    Return information about client connections. Options:",
      "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
      "      Return clients of specified type.",
      "    * ID <client-id> [<client-id> ...]",
      "      Return clients with specified IDs only.",
      "REPLY (ON|OFF|SKIP)",
      "    Control the replies sent to the current connection.",
      "SETNAME <name>",
      "    Assign the name <name> to the current connection.",
      "UNBLOCK <clientid> [TIMEOUT|ERROR]",
      "    Unblock the specified blocked client.",
      "SETINFO <option> <value>",
      "    Set client meta attr. Options are:",
      "    * LIB-NAME: the client lib name.",
      "    * LIB-VER: the client lib version.",
      "NO-EVICT (ON|OFF)",
      "    Protect current client connection from eviction.",
      "NO-TOUCH (ON|OFF)",
      "    Will not touch LRU/LFU stats when this mode is on.",
  };
  ReplyHelp(ctx, "client", kLines);
}

constexpr SubcommandSpec kClientSubcommands[] = {
    {"setname", 3, ClientSetName, "client|setname"},
    {"getname", 2, ClientGetName, "client|getname"},
    {"id", 2, ClientId, "client|id"},
    {"list", -2, ClientList, "client|list"},
    {"info", 2, ClientInfo, "client|info"},
    {"kill", -3, ClientKill, "client|kill"},
    {"setinfo", 4, ClientSetInfo, "client|setinfo"},
    {"unblock", -3, ClientUnblock, "client|unblock"},
    {"no-evict", 3, ClientNoEvict, "client|no-evict"},
    {"no-touch", 3, ClientNoTouch, "client|no-touch"},
    {"reply", 3, ClientReply, "client|reply"},
    {"help", 2, ClientHelp, "client|help"},
};

void CmdClient(CommandContext& ctx, ArgList args) {
  DispatchSubcommand(ctx, args, kClientSubcommands, "client");
}

}  // namespace

void RegisterClientFamily(CommandRegistry& r) {
  r.Add({"client", -2, kLoading, 0, 0, 0, CmdClient});
}

}  // namespace kv
