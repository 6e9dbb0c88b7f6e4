// Redis Cluster's client-facing commands (CLUSTER SLOTS/SHARDS/NODES/INFO/MYID/KEYSLOT/
// COUNTKEYSINSLOT/GETKEYSINSLOT, READONLY, READWRITE, ASKING) over the routing table the cluster
// core publishes, and kvcache's own KVCACHE WHERE. Cluster-aware clients (redis-py RedisCluster,
// ioredis Cluster, redis-cli -c) learn the topology here and follow MOVED.

#include <fmt/format.h>

#include "server/base/key_slot.h"
#include "server/commands/arg_parsing.h"
#include "server/commands/cluster_keyspace.h"
#include "server/commands/cluster_routing.h"
#include "server/commands/command_registry.h"
#include "server/commands/subcommand.h"
#include "server/resp/errors.h"

namespace kv {
namespace {

using cluster::RoutingTable;

// The table, or null after replying "cluster support disabled" on a standalone node.
cluster::RoutingPtr TableOrReply(CommandContext& ctx) {
  if (!ctx.server.cluster) {
    ctx.rb.Error(resp::kClusterDisabledErr);
    return nullptr;
  }
  cluster::RoutingPtr t = ctx.server.cluster->table();
  if (!t) t = std::make_shared<RoutingTable>();
  return t;
}

struct SlotRun {
  size_t first;
  size_t last;
  int16_t owner;
};

// Contiguous runs of slots with one owner, unowned slots left out.
std::vector<SlotRun> Runs(const RoutingTable& t) {
  std::vector<SlotRun> runs;
  for (size_t s = 0; s < t.slot_owner.size();) {
    size_t e = s;
    while (e + 1 < t.slot_owner.size() && t.slot_owner[e + 1] == t.slot_owner[s]) ++e;
    if (t.slot_owner[s] != cluster::kNoOwner) runs.push_back({s, e, t.slot_owner[s]});
    s = e + 1;
  }
  return runs;
}

bool Reachable(const RoutingTable& t, size_t i) { return i < t.reachable.size() && t.reachable[i]; }

// Slots whose owner is known and reachable, and whether every slot is served (cluster_state:ok).
size_t SlotsOk(const RoutingTable& t) {
  size_t ok = 0;
  for (int16_t o : t.slot_owner) ok += o != cluster::kNoOwner && Reachable(t, static_cast<size_t>(o));
  return ok;
}

std::optional<uint16_t> SlotOrReply(CommandContext& ctx, std::string_view arg) {
  auto v = ParseInt64(arg);
  if (!v || *v < 0 || *v >= static_cast<int64_t>(kNumSlots)) {
    ctx.rb.Error("ERR Invalid or out of range slot");
    return std::nullopt;
  }
  return static_cast<uint16_t>(*v);
}

void ClusterInfo(CommandContext& ctx, ArgList) {
  auto t = TableOrReply(ctx);
  if (!t) return;
  size_t assigned = 0;
  std::vector<bool> owns(t->members.size(), false);
  for (int16_t o : t->slot_owner) {
    if (o == cluster::kNoOwner) continue;
    ++assigned;
    owns[static_cast<size_t>(o)] = true;
  }
  const size_t ok = SlotsOk(*t);
  const bool state_ok = t->serving() && ok == kNumSlots;
  std::string out;
  out += fmt::format("cluster_state:{}\r\n", state_ok ? "ok" : "fail");
  out += fmt::format("cluster_slots_assigned:{}\r\n", assigned);
  out += fmt::format("cluster_slots_ok:{}\r\n", ok);
  out += "cluster_slots_pfail:0\r\n";
  out += fmt::format("cluster_slots_fail:{}\r\n", assigned - ok);
  out += fmt::format("cluster_known_nodes:{}\r\n", t->members.size());
  out += fmt::format("cluster_size:{}\r\n", std::count(owns.begin(), owns.end(), true));
  out += fmt::format("cluster_current_epoch:{}\r\n", t->epoch);
  out += fmt::format("cluster_my_epoch:{}\r\n", t->epoch);
  out += "cluster_stats_messages_sent:0\r\ncluster_stats_messages_received:0\r\n";
  out += "total_cluster_links_buffer_limit_exceeded:0\r\n";
  ctx.rb.Verbatim(out);
}

void ClusterMyId(CommandContext& ctx, ArgList) {
  auto t = TableOrReply(ctx);
  if (t) ctx.rb.Bulk(t->self_id);
}

void ClusterNodes(CommandContext& ctx, ArgList) {
  auto t = TableOrReply(ctx);
  if (!t) return;
  const auto runs = Runs(*t);
  std::string out;
  for (size_t i = 0; i < t->members.size(); ++i) {
    const cluster::Member& m = t->members[i];
    std::string flags = static_cast<int>(i) == t->self ? "myself,master" : "master";
    if (!Reachable(*t, i)) flags += ",fail";
    // The admin/peer port stands where Redis prints its cluster-bus port.
    out += fmt::format("{} {}:{}@{} {} - 0 0 {} {}", m.id, m.host, m.port, m.admin_port, flags,
                       t->epoch, Reachable(*t, i) ? "connected" : "disconnected");
    for (const SlotRun& r : runs) {
      if (static_cast<size_t>(r.owner) != i) continue;
      out += r.first == r.last ? fmt::format(" {}", r.first) : fmt::format(" {}-{}", r.first, r.last);
    }
    out += "\n";
  }
  ctx.rb.Verbatim(out);
}

void NodeEntry(CommandContext& ctx, const cluster::Member& m) {
  ctx.rb.ArrayHeader(4);
  ctx.rb.Bulk(m.host);
  ctx.rb.Integer(m.port);
  ctx.rb.Bulk(m.id);
  ctx.rb.MapHeader(0);  // Redis 7's networking metadata: nothing beyond the endpoint
}

void ClusterSlots(CommandContext& ctx, ArgList) {
  auto t = TableOrReply(ctx);
  if (!t) return;
  const auto runs = Runs(*t);
  ctx.rb.ArrayHeader(runs.size());
  for (const SlotRun& r : runs) {
    ctx.rb.ArrayHeader(3);
    ctx.rb.Integer(static_cast<int64_t>(r.first));
    ctx.rb.Integer(static_cast<int64_t>(r.last));
    NodeEntry(ctx, t->members[static_cast<size_t>(r.owner)]);
  }
}

void ClusterShards(CommandContext& ctx, ArgList) {
  auto t = TableOrReply(ctx);
  if (!t) return;
  const auto runs = Runs(*t);
  ctx.rb.ArrayHeader(t->members.size());
  for (size_t i = 0; i < t->members.size(); ++i) {
    const cluster::Member& m = t->members[i];
    std::vector<size_t> bounds;
    for (const SlotRun& r : runs) {
      if (static_cast<size_t>(r.owner) != i) continue;
      bounds.push_back(r.first);
      bounds.push_back(r.last);
    }
    ctx.rb.MapHeader(2);
    ctx.rb.Bulk("slots");
    ctx.rb.ArrayHeader(bounds.size());
    for (size_t b : bounds) ctx.rb.Integer(static_cast<int64_t>(b));
    ctx.rb.Bulk("nodes");
    ctx.rb.ArrayHeader(1);
    ctx.rb.MapHeader(7);
    ctx.rb.Bulk("id");
    ctx.rb.Bulk(m.id);
    ctx.rb.Bulk("port");
    ctx.rb.Integer(m.port);
    ctx.rb.Bulk("ip");
    ctx.rb.Bulk(m.host);
    ctx.rb.Bulk("endpoint");
    ctx.rb.Bulk(m.host);
    ctx.rb.Bulk("role");
    ctx.rb.Bulk("master");
    ctx.rb.Bulk("replication-offset");
    ctx.rb.Integer(0);
    ctx.rb.Bulk("health");
    ctx.rb.Bulk(Reachable(*t, i) ? "online" : "failed");
  }
}

void ClusterKeySlot(CommandContext& ctx, ArgList args) {
  if (TableOrReply(ctx)) ctx.rb.Integer(KeySlot(args[2]));
}

void ClusterCountKeysInSlot(CommandContext& ctx, ArgList args) {
  if (!TableOrReply(ctx)) return;
  auto slot = SlotOrReply(ctx, args[2]);
  if (!slot) return;
  ctx.rb.Integer(static_cast<int64_t>(CountKeysInSlot(ctx.server.keyspace, ctx.client.db, *slot)));
}

void ClusterGetKeysInSlot(CommandContext& ctx, ArgList args) {
  if (!TableOrReply(ctx)) return;
  auto slot = SlotOrReply(ctx, args[2]);
  if (!slot) return;
  auto count = ParseInt64(args[3]);
  if (!count) return ctx.rb.Error(resp::kNotIntegerErr);
  if (*count < 0) return ctx.rb.Error("ERR Invalid slot or number of keys");
  ctx.rb.BulkArray(KeysInSlot(ctx.server.keyspace, ctx.client.db, *slot,
                              static_cast<size_t>(*count)));
}

constexpr std::string_view kClusterHelp[] = {
    "COUNTKEYSINSLOT <slot>", "    Return the number of keys in <slot>.",
    "GETKEYSINSLOT <slot> <count>", "    Return key names stored by this node in a slot.",
    "INFO", "    Return information about the cluster.",
    "KEYSLOT <key>", "    Return the hash slot for <key>.",
    "MYID", "    Return the node id.",
    "NODES", "    Return cluster configuration seen by node.",
    "SHARDS", "    Return information about slot range mappings and the nodes associated with them.",
    "SLOTS", "    Return information about slots range mappings.",
};

void ClusterHelp(CommandContext& ctx, ArgList) { ReplyHelp(ctx, "cluster", kClusterHelp); }

constexpr SubcommandSpec kClusterSubcommands[] = {
    {"info", 2, ClusterInfo, "cluster|info"},
    {"myid", 2, ClusterMyId, "cluster|myid"},
    {"nodes", 2, ClusterNodes, "cluster|nodes"},
    {"slots", 2, ClusterSlots, "cluster|slots"},
    {"shards", 2, ClusterShards, "cluster|shards"},
    {"keyslot", 3, ClusterKeySlot, "cluster|keyslot"},
    {"countkeysinslot", 3, ClusterCountKeysInSlot, "cluster|countkeysinslot"},
    {"getkeysinslot", 4, ClusterGetKeysInSlot, "cluster|getkeysinslot"},
    {"help", 2, ClusterHelp, "cluster|help"},
};

void CmdCluster(CommandContext& ctx, ArgList args) {
  DispatchSubcommand(ctx, args, kClusterSubcommands, "cluster");
}

// READONLY / READWRITE / ASKING: accepted in cluster mode. Without replicas or migrations yet they
// change nothing about where a command runs.
void CmdClusterFlag(CommandContext& ctx, ArgList) {
  if (TableOrReply(ctx)) ctx.rb.Ok();
}

// KVCACHE WHERE key: where a key lives, debuggable from plain redis-cli.
void KvcacheWhere(CommandContext& ctx, ArgList args) {
  auto t = TableOrReply(ctx);
  if (!t) return;
  const uint16_t slot = KeySlot(args[2]);
  const int16_t owner = t->OwnerIndex(slot);
  const cluster::Member* m = owner == cluster::kNoOwner ? nullptr : &t->members[static_cast<size_t>(owner)];
  ctx.rb.MapHeader(7);
  ctx.rb.Bulk("slot");
  ctx.rb.Integer(slot);
  ctx.rb.Bulk("node");
  ctx.rb.Bulk(m ? std::string_view(m->id) : "");
  ctx.rb.Bulk("address");
  ctx.rb.Bulk(m ? m->RespAddress() : "");
  ctx.rb.Bulk("epoch");
  ctx.rb.Integer(static_cast<int64_t>(t->epoch));
  ctx.rb.Bulk("migration");
  ctx.rb.Bulk("stable");
  ctx.rb.Bulk("reachable");
  ctx.rb.Bool(m != nullptr && Reachable(*t, static_cast<size_t>(owner)));
  ctx.rb.Bulk("local");
  ctx.rb.Bool(owner != cluster::kNoOwner && owner == t->self);
}

constexpr SubcommandSpec kKvcacheSubcommands[] = {
    {"where", 3, KvcacheWhere, "kvcache|where"},
};

void CmdKvcache(CommandContext& ctx, ArgList args) {
  DispatchSubcommand(ctx, args, kKvcacheSubcommands, "kvcache");
}

}  // namespace

void RegisterClusterFamily(CommandRegistry& r) {
  r.Add({"cluster", -2, 0, 0, 0, 0, CmdCluster});
  r.Add({"readonly", 1, kFast | kLoading, 0, 0, 0, CmdClusterFlag});
  r.Add({"readwrite", 1, kFast | kLoading, 0, 0, 0, CmdClusterFlag});
  r.Add({"asking", 1, kFast, 0, 0, 0, CmdClusterFlag});
  r.Add({"kvcache", -2, kLoading, 0, 0, 0, CmdKvcache});
}

}  // namespace kv
