#include "ctl/all_nodes.h"

#include <algorithm>
#include <map>

#include "ctl/cluster_check.h"
#include "ctl/format.h"
#include "ctl/members.h"
#include "ctl/render.h"
#include "ctl/table.h"

namespace kv::ctl {

namespace v1 = kvcache::v1;
using nlohmann::json;
using Align = Table::Align;

namespace {

// Seed, membership, then `call` on every member. kExitOk with *replies filled, else the exit code
// (error already printed).
template <typename Resp, typename Call>
int ForAllMembers(const GlobalOptions& g, Call call, std::vector<MemberReply<Resp>>* replies) {
  int code = kExitOk;
  auto seed = Connect(g, "", &code);
  if (!seed) return code;
  v1::GetClusterStatusResponse status;
  if (code = FetchClusterStatus(*seed, &status); code != kExitOk) return code;
  const std::vector<v1::ClusterMember> members(status.members().begin(), status.members().end());
  *replies = CallMembers<Resp>(g.connect, *seed, members, call);
  return kExitOk;
}

// `method` of the Admin stub with `req`, under the call deadline: the call ForAllMembers makes.
template <typename Req, typename Resp>
auto MemberCall(grpc::Status (v1::Admin::Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
                Req req) {
  return [method, req = std::move(req)](AdminClient& c, Resp* resp) {
    grpc::ClientContext ctx;
    c.Prepare(&ctx);
    return (c.admin().*method)(&ctx, req, resp);
  };
}

// Who answered (or why not), the start of every member's JSON entry.
template <typename Resp>
json Entry(const MemberReply<Resp>& r) {
  json e = {{"node_id", r.member.node_id()}, {"admin_address", r.member.admin_address()}};
  if (!r.status.ok()) {
    e["error"] = {{"code", StatusCodeName(r.status.error_code())},
                  {"message", r.status.error_message()}};
  }
  return e;
}

std::string NoAnswer(const grpc::Status& st) {
  return Unreachable(st) ? "no answer" : StatusCodeName(st.error_code());
}

}  // namespace

int RunInfoAll(const GlobalOptions& g) {
  std::vector<MemberReply<v1::GetNodeInfoResponse>> replies;
  if (int code = ForAllMembers<v1::GetNodeInfoResponse>(
          g, MemberCall(&v1::Admin::Stub::GetNodeInfo, v1::GetNodeInfoRequest()), &replies);
      code != kExitOk) {
    return code;
  }
  if (g.json) {
    json nodes = json::array();
    for (const auto& r : replies) {
      json e = Entry(r);
      if (r.status.ok()) e["node"] = ToJson(r.resp.node());
      nodes.push_back(std::move(e));
    }
    PrintJson({{"nodes", nodes}});
  } else {
    Table t({"NODE", "ADMIN", "VERSION", "UPTIME", "MEMORY", "CLIENTS", "KEYS", "THROUGHPUT"},
            {Align::kLeft, Align::kLeft, Align::kLeft, Align::kRight, Align::kRight, Align::kRight,
             Align::kRight, Align::kRight});
    for (const auto& r : replies) {
      const auto& n = r.resp.node();
      if (!r.status.ok()) {
        t.AddRow({ShortId(r.member.node_id()), r.member.admin_address(), NoAnswer(r.status)});
        continue;
      }
      t.AddRow({ShortId(r.member.node_id()), r.member.admin_address(), n.version(),
                HumanDuration(n.uptime_seconds()), HumanBytes(n.used_memory_bytes()),
                std::to_string(n.connected_clients()),
                HumanCount(static_cast<double>(TotalKeys(n))), HumanRate(n.ops_per_sec())});
    }
    fmt::print("{}", t.Render());
  }
  return ReportMemberFailures(replies);
}

v1::GetStatsResponse MergeStats(const std::vector<v1::GetStatsResponse>& all) {
  v1::GetStatsResponse sum;
  std::map<std::string, v1::CommandStats> commands;
  for (const auto& s : all) {
    for (const auto& c : s.commands()) {
      v1::CommandStats& m = commands[c.name()];
      m.set_name(c.name());
      m.set_calls(m.calls() + c.calls());
      m.set_usec(m.usec() + c.usec());
      m.set_p99_usec(std::max(m.p99_usec(), c.p99_usec()));
      m.set_rejected_calls(m.rejected_calls() + c.rejected_calls());
      m.set_failed_calls(m.failed_calls() + c.failed_calls());
    }
    auto* k = sum.mutable_keyspace();
    k->set_hits(k->hits() + s.keyspace().hits());
    k->set_misses(k->misses() + s.keyspace().misses());
    k->set_expired(k->expired() + s.keyspace().expired());
    k->set_evicted(k->evicted() + s.keyspace().evicted());
    sum.set_total_commands_processed(sum.total_commands_processed() + s.total_commands_processed());
    sum.set_total_connections_received(sum.total_connections_received() +
                                       s.total_connections_received());
  }
  for (auto& [name, c] : commands) *sum.add_commands() = std::move(c);
  return sum;
}

int RunStatsAll(const GlobalOptions& g, int top) {
  std::vector<MemberReply<v1::GetStatsResponse>> replies;
  if (int code = ForAllMembers<v1::GetStatsResponse>(
          g, MemberCall(&v1::Admin::Stub::GetStats, v1::GetStatsRequest()), &replies);
      code != kExitOk) {
    return code;
  }
  std::vector<v1::GetStatsResponse> answered;
  for (auto& r : replies) {
    KeepTopCommands(&r.resp, top);
    if (r.status.ok()) answered.push_back(r.resp);
  }
  v1::GetStatsResponse total = MergeStats(answered);
  KeepTopCommands(&total, top);
  if (g.json) {
    json nodes = json::array();
    for (const auto& r : replies) {
      json e = Entry(r);
      if (r.status.ok()) e["stats"] = ToJson(r.resp);
      nodes.push_back(std::move(e));
    }
    PrintJson({{"nodes", nodes}, {"total", ToJson(total)}});
  } else {
    Table t({"NODE", "ADMIN", "COMMANDS", "HITS", "MISSES", "HIT RATIO", "EXPIRED", "EVICTED"},
            {Align::kLeft, Align::kLeft, Align::kRight, Align::kRight, Align::kRight, Align::kRight,
             Align::kRight, Align::kRight});
    for (const auto& r : replies) {
      if (!r.status.ok()) {
        t.AddRow({ShortId(r.member.node_id()), r.member.admin_address(), NoAnswer(r.status)});
        continue;
      }
      const auto& k = r.resp.keyspace();
      t.AddRow(
          {ShortId(r.member.node_id()), r.member.admin_address(),
           HumanCount(static_cast<double>(r.resp.total_commands_processed())),
           HumanCount(static_cast<double>(k.hits())), HumanCount(static_cast<double>(k.misses())),
           HumanPercent(static_cast<double>(k.hits()), static_cast<double>(k.hits() + k.misses())),
           HumanCount(static_cast<double>(k.expired())),
           HumanCount(static_cast<double>(k.evicted()))});
    }
    fmt::print("{}\nall {} answering nodes (P99: the largest node's)\n{}", t.Render(),
               answered.size(), RenderStats(total));
  }
  return ReportMemberFailures(replies);
}

int RunRewriteAofAll(const GlobalOptions& g, bool wait) {
  std::vector<MemberReply<v1::RewriteAofResponse>> replies;
  v1::RewriteAofRequest req;
  req.set_wait(wait);
  if (int code = ForAllMembers<v1::RewriteAofResponse>(
          g, MemberCall(&v1::Admin::Stub::RewriteAof, req), &replies);
      code != kExitOk) {
    return code;
  }
  if (g.json) {
    json nodes = json::array();
    for (const auto& r : replies) {
      json e = Entry(r);
      e["started"] = r.status.ok();
      if (r.status.ok()) {
        e["waited"] = wait;
        e["persistence"] = ToJson(r.resp.persistence());
      }
      nodes.push_back(std::move(e));
    }
    PrintJson({{"nodes", nodes}});
  } else {
    Table t({"NODE", "ADMIN", "REWRITE", "AOF SIZE"},
            {Align::kLeft, Align::kLeft, Align::kLeft, Align::kRight});
    for (const auto& r : replies) {
      if (!r.status.ok()) {
        t.AddRow({ShortId(r.member.node_id()), r.member.admin_address(), NoAnswer(r.status)});
        continue;
      }
      t.AddRow({ShortId(r.member.node_id()), r.member.admin_address(),
                wait ? "finished" : "started",
                HumanBytes(r.resp.persistence().aof_current_size_bytes())});
    }
    fmt::print("{}", t.Render());
  }
  return ReportMemberFailures(replies);
}

}  // namespace kv::ctl
