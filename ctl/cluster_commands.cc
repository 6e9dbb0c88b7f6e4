#include "ctl/cluster_commands.h"

#include <algorithm>

#include "ctl/cluster_check.h"
#include "ctl/cluster_render.h"
#include "ctl/format.h"
#include "ctl/members.h"

namespace kv::ctl {

namespace v1 = kvcache::v1;
using nlohmann::json;

namespace {

v1::RingChangeRequest ToRequest(const RingChangeArgs& change) {
  v1::RingChangeRequest req;
  for (const auto& a : change.add) req.add_add(a);
  for (const auto& r : change.remove) req.add_remove(r);
  if (change.if_epoch) {
    req.set_has_if_epoch(true);
    req.set_if_epoch(*change.if_epoch);
  }
  req.set_force(change.force);
  return req;
}

// A member's own view and key count, for `status`.
struct MemberView {
  v1::GetClusterStatusResponse status;
  v1::GetNodeInfoResponse info;
};

grpc::Status AskMember(AdminClient& c, MemberView* out) {
  grpc::ClientContext status_ctx;
  c.Prepare(&status_ctx);
  grpc::Status st =
      c.admin().GetClusterStatus(&status_ctx, v1::GetClusterStatusRequest(), &out->status);
  if (!st.ok()) return st;
  grpc::ClientContext info_ctx;
  c.Prepare(&info_ctx);
  return c.admin().GetNodeInfo(&info_ctx, v1::GetNodeInfoRequest(), &out->info);
}

// What --force gives up: for each removed member, the slots it held and the keys in them (as far
// as the plan could count them), and the safety of the agreement if it is in fact alive.
json GaveUp(const v1::ApplyRingChangeResponse& applied,
            const std::vector<const v1::ClusterMember*>& removed) {
  json out = json::array();
  for (const v1::ClusterMember* m : removed) {
    int64_t slots = 0, keys = 0, bytes = 0;
    bool known = true;
    for (const auto& move : applied.moves()) {
      if (move.from_node_id() != m->node_id()) continue;
      slots += move.slots();
      known = known && move.keys() >= 0 && move.bytes() >= 0;
      keys += std::max<int64_t>(move.keys(), 0);
      bytes += std::max<int64_t>(move.bytes(), 0);
    }
    out.push_back({{"node_id", m->node_id()},
                   {"admin_address", m->admin_address()},
                   {"slots", slots},
                   {"keys", known ? keys : -1},
                   {"bytes", known ? bytes : -1}});
  }
  return out;
}

std::string RenderGaveUp(const json& gave_up) {
  std::string out = "\n--force gave up:\n";
  for (const auto& g : gave_up) {
    const int64_t keys = g["keys"].get<int64_t>();
    out += fmt::format(
        "- {} ({}) was removed without its vote. Its {} slots go to the remaining members empty: "
        "{} "
        "it held in them are lost to the cluster.\n",
        ShortId(g["node_id"].get<std::string>()), g["admin_address"].get<std::string>(),
        g["slots"].get<int64_t>(),
        keys < 0 ? std::string("whatever keys (it could not be asked)")
                 : fmt::format("the {} keys ({})", keys, HumanBytes(g["bytes"].get<int64_t>())));
  }
  out +=
      "- If a removed member is in fact alive and reaches a majority of its own, it can commit a "
      "conflicting state: make sure it stays stopped, and wipe its data dir before it returns.\n";
  return out;
}

// A ring change ready to send: the seed to send it to, and the request with every --remove name
// (unique id prefix, admin address, "self") resolved to the member's full id through the seed's
// membership, so the node and the --force report agree on who goes. Names no member matches go as
// given, for the node to refuse.
struct PreparedChange {
  std::unique_ptr<AdminClient> seed;
  v1::RingChangeRequest req;
  v1::GetClusterStatusResponse before;            // the membership `removed` points into
  std::vector<const v1::ClusterMember*> removed;  // the members the change removes
};

// kExitOk with *out ready, else the exit code (error already printed).
int PrepareChange(const GlobalOptions& g, const RingChangeArgs& change, PreparedChange* out) {
  int code = kExitOk;
  out->seed = Connect(g, "", &code);
  if (!out->seed) return code;
  out->req = ToRequest(change);
  if (change.remove.empty()) return kExitOk;
  if (code = FetchClusterStatus(*out->seed, &out->before); code != kExitOk) return code;
  out->req.clear_remove();
  for (const auto& which : change.remove) {
    std::string error;
    bool ambiguous = false;
    const v1::ClusterMember* m = FindMember(out->before, which, &error, &ambiguous);
    if (ambiguous) {
      fmt::print(stderr, "kvctl: {}\n", error);
      return kExitUsage;
    }
    out->req.add_remove(m != nullptr ? m->node_id() : which);
    if (m != nullptr) out->removed.push_back(m);
  }
  return kExitOk;
}

// The error line and exit code of a failed call to `client`.
int Failed(const AdminClient& client, const grpc::Status& status) {
  fmt::print(stderr, "{}\n", ErrorLine(client.addr(), status));
  return ExitCodeFor(status);
}

}  // namespace

int RunClusterStatus(const GlobalOptions& g) {
  int code = kExitOk;
  auto seed = Connect(g, "", &code);
  if (!seed) return code;
  ClusterCheck check;
  if (code = FetchClusterStatus(*seed, &check.seed); code != kExitOk) return code;
  const std::vector<v1::ClusterMember> members(check.seed.members().begin(),
                                               check.seed.members().end());
  for (const auto& r : CallMembers<MemberView>(g.connect, *seed, members, AskMember)) {
    MemberCheck c;
    c.member = r.member;
    c.answered = r.status.ok();
    if (c.answered) {
      c.epoch = r.resp.status.epoch();
      c.digest = r.resp.status.digest();
      c.synced = r.resp.status.synced();
      c.keys = TotalKeys(r.resp.info.node());
    } else {
      c.error =
          std::string(StatusCodeName(r.status.error_code())) + ": " + r.status.error_message();
    }
    check.members.push_back(std::move(c));
  }
  FindProblems(&check);
  if (g.json) {
    PrintJson(ToJson(check));
  } else {
    fmt::print("{}", RenderStatus(check));
  }
  return check.degraded() ? kExitFailed : kExitOk;
}

int RunNodes(const GlobalOptions& g) {
  v1::GetClusterStatusResponse resp;
  return RunCall(
      g, "",
      [&](AdminClient& c, grpc::ClientContext* ctx) {
        return c.admin().GetClusterStatus(ctx, v1::GetClusterStatusRequest(), &resp);
      },
      [&] {
        if (g.json) {
          json members = json::array();
          for (const auto& m : resp.members()) members.push_back(ToJson(m));
          PrintJson({{"epoch", resp.epoch()}, {"members", members}});
        } else {
          fmt::print("{}", RenderNodes(resp));
        }
        return kExitOk;
      });
}

int RunRing(const GlobalOptions& g, bool slots) {
  v1::GetRingRequest req;
  req.set_slots(slots);
  v1::GetRingResponse resp;
  return RunCall(
      g, "",
      [&](AdminClient& c, grpc::ClientContext* ctx) { return c.admin().GetRing(ctx, req, &resp); },
      [&] {
        if (g.json) {
          PrintJson(ToJson(resp));
        } else {
          fmt::print("{}", RenderRing(resp));
        }
        return kExitOk;
      });
}

int RunWhere(const GlobalOptions& g, const std::string& key) {
  v1::WhereRequest req;
  req.set_key(key);
  v1::WhereResponse resp;
  return RunCall(
      g, "",
      [&](AdminClient& c, grpc::ClientContext* ctx) { return c.admin().Where(ctx, req, &resp); },
      [&] {
        if (g.json) {
          json doc = ToJson(resp);
          doc["key"] = key;
          PrintJson(doc);
        } else {
          fmt::print("{}", RenderWhere(key, resp));
        }
        return kExitOk;
      });
}

int RunRingPlan(const GlobalOptions& g, const RingChangeArgs& change) {
  PreparedChange p;
  if (int code = PrepareChange(g, change, &p); code != kExitOk) return code;
  v1::PlanRingChangeResponse resp;
  grpc::ClientContext ctx;
  p.seed->Prepare(&ctx);
  if (grpc::Status st = p.seed->admin().PlanRingChange(&ctx, p.req, &resp); !st.ok()) {
    return Failed(*p.seed, st);
  }
  if (g.json) {
    PrintJson(ToJson(resp));
  } else {
    fmt::print("{}", RenderPlan(resp));
  }
  return kExitOk;
}

int RunRingApply(const GlobalOptions& g, const RingChangeArgs& change) {
  PreparedChange p;
  if (int code = PrepareChange(g, change, &p); code != kExitOk) return code;
  v1::ApplyRingChangeResponse resp;
  grpc::ClientContext ctx;
  p.seed->Prepare(&ctx);
  if (grpc::Status st = p.seed->admin().ApplyRingChange(&ctx, p.req, &resp); !st.ok()) {
    return Failed(*p.seed, st);
  }
  if (g.json) {
    json doc = ToJson(resp);
    if (change.force) doc["gave_up"] = GaveUp(resp, p.removed);
    PrintJson(doc);
  } else {
    fmt::print("{}", RenderApplied(resp));
    if (change.force) fmt::print("{}", RenderGaveUp(GaveUp(resp, p.removed)));
  }
  return kExitOk;
}

}  // namespace kv::ctl
