#include "ctl/cluster_check.h"

#include <fmt/format.h>

#include "ctl/cluster_render.h"
#include "ctl/format.h"
#include "ctl/members.h"
#include "ctl/table.h"

namespace kv::ctl {

using nlohmann::json;
using Align = Table::Align;

namespace {

// Redis Cluster's slot count, the whole that SHARE is a part of.
constexpr double kSlots = 16384;

std::string Named(const kvcache::v1::ClusterMember& m) {
  return fmt::format("{} ({})", ShortId(m.node_id()), m.admin_address());
}

}  // namespace

int64_t TotalKeys(const kvcache::v1::NodeInfo& info) {
  int64_t keys = 0;
  for (const auto& db : info.keyspace()) keys += db.keys();
  return keys;
}

void FindProblems(ClusterCheck* check) {
  const auto& seed = check->seed;
  auto& problems = check->problems;
  problems.clear();
  const std::string seed_name = ShortId(seed.node_id());
  for (const MemberCheck& c : check->members) {
    const auto& m = c.member;
    if (!m.reachable()) {
      problems.push_back(fmt::format("{} is down for {} (no heartbeat answer for {})", Named(m),
                                     seed_name, HumanMicros(m.last_heard_ms() * 1000.0)));
    }
    if (!c.answered) {
      problems.push_back(fmt::format("{} did not answer kvctl: {}", Named(m), c.error));
      continue;
    }
    if (c.epoch != seed.epoch() || c.digest != seed.digest()) {
      problems.push_back(fmt::format("{} is at epoch {} digest {}, {} at epoch {} digest {}",
                                     Named(m), c.epoch, c.digest.substr(0, 12), seed_name,
                                     seed.epoch(), seed.digest().substr(0, 12)));
    }
    if (!c.synced) problems.push_back(fmt::format("{} has not synced yet", Named(m)));
  }
  if (seed.slots_unserved() > 0) {
    problems.push_back(
        fmt::format("{} slots are not served (owner down or none)", seed.slots_unserved()));
  }
}

json ToJson(const ClusterCheck& check) {
  json doc = ToJson(check.seed);
  for (size_t i = 0; i < check.members.size(); ++i) {
    const MemberCheck& c = check.members[i];
    json& m = doc["members"][i];
    m["answered"] = c.answered;
    if (c.answered) {
      m["epoch"] = c.epoch;
      m["digest"] = c.digest;
      m["synced"] = c.synced;
      m["keys"] = c.keys;
    } else {
      m["error"] = c.error;
    }
  }
  doc["degraded"] = check.degraded();
  doc["problems"] = check.problems;
  return doc;
}

std::string RenderStatus(const ClusterCheck& check) {
  const auto& seed = check.seed;
  int up = 0;
  for (const auto& c : check.members) up += c.member.reachable() ? 1 : 0;
  std::string out = fmt::format(
      "cluster {} at epoch {} (digest {}), {} members: {} up, {} down, {} slots unserved\n\n",
      ShortId(seed.cluster_id()), seed.epoch(), seed.digest().substr(0, 12), check.members.size(),
      up, check.members.size() - up, seed.slots_unserved());
  Table t({"NODE", "RESP", "ADMIN", "STATE", "UP", "EPOCH", "SLOTS", "SHARE", "KEYS"},
          {Align::kLeft, Align::kLeft, Align::kLeft, Align::kLeft, Align::kLeft, Align::kRight,
           Align::kRight, Align::kRight, Align::kRight});
  for (const MemberCheck& c : check.members) {
    const auto& m = c.member;
    t.AddRow({ShortId(m.node_id()) + (m.is_self() ? "*" : ""), m.resp_address(), m.admin_address(),
              m.state(), m.reachable() ? "yes" : "no", c.answered ? std::to_string(c.epoch) : "-",
              std::to_string(m.slots()), HumanPercent(static_cast<double>(m.slots()), kSlots),
              c.answered ? HumanCount(static_cast<double>(c.keys)) : "-"});
  }
  out += t.Render();
  out += "(*: the node that answered for the cluster; UP: as its heartbeats see the member)\n\n";
  if (!check.degraded()) return out + "cluster is healthy\n";
  out += "cluster is DEGRADED:\n";
  for (const auto& p : check.problems) out += "- " + p + "\n";
  return out;
}

}  // namespace kv::ctl
