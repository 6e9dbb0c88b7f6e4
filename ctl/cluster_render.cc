#include "ctl/cluster_render.h"

#include <fmt/format.h>

#include <algorithm>

#include "ctl/format.h"
#include "ctl/members.h"
#include "ctl/table.h"

namespace kv::ctl {

namespace v1 = kvcache::v1;
using nlohmann::json;
using Align = Table::Align;

namespace {

using Moves = google::protobuf::RepeatedPtrField<v1::SlotMoveSummary>;

json MovesJson(const Moves& moves) {
  json out = json::array();
  for (const auto& m : moves) {
    out.push_back({{"from_node_id", m.from_node_id()},
                   {"to_node_id", m.to_node_id()},
                   {"slots", m.slots()},
                   {"keys", m.keys()},
                   {"bytes", m.bytes()}});
  }
  return out;
}

// FROM -> TO with slots, keys and bytes, and a total line; "nothing moves" when empty.
std::string RenderMoves(const Moves& moves) {
  if (moves.empty()) return "no slots move\n";
  Table t({"FROM", "", "TO", "SLOTS", "KEYS", "BYTES"},
          {Align::kLeft, Align::kLeft, Align::kLeft, Align::kRight, Align::kRight, Align::kRight});
  int64_t slots = 0, keys = 0, bytes = 0;
  bool unknown = false;
  for (const auto& m : moves) {
    t.AddRow({m.from_node_id().empty() ? "(unowned)" : ShortId(m.from_node_id()), "->",
              ShortId(m.to_node_id()), std::to_string(m.slots()), KnownCount(m.keys()),
              KnownBytes(m.bytes())});
    slots += m.slots();
    unknown = unknown || m.keys() < 0 || m.bytes() < 0;
    keys += std::max<int64_t>(m.keys(), 0);
    bytes += std::max<int64_t>(m.bytes(), 0);
  }
  std::string out = t.Render();
  if (unknown) {
    out +=
        fmt::format("{} slots move, at least {} keys, at least {} (?: the source did not answer)\n",
                    slots, keys, HumanBytes(bytes));
  } else {
    out += fmt::format("{} slots move, {} keys, {}\n", slots, keys, HumanBytes(bytes));
  }
  return out;
}

std::string YesNo(bool b) { return b ? "yes" : "no"; }

}  // namespace

std::string KnownCount(int64_t n) { return n < 0 ? "?" : std::to_string(n); }
std::string KnownBytes(int64_t n) { return n < 0 ? "?" : HumanBytes(n); }

json ToJson(const v1::ClusterMember& m) {
  return {{"node_id", m.node_id()},
          {"resp_address", m.resp_address()},
          {"admin_address", m.admin_address()},
          {"state", m.state()},
          {"reachable", m.reachable()},
          {"slots", m.slots()},
          {"is_self", m.is_self()},
          {"last_heard_ms", m.last_heard_ms()}};
}

json ToJson(const v1::GetClusterStatusResponse& status) {
  json members = json::array();
  for (const auto& m : status.members()) members.push_back(ToJson(m));
  return {{"epoch", status.epoch()},
          {"digest", status.digest()},
          {"node_id", status.node_id()},
          {"cluster_id", status.cluster_id()},
          {"synced", status.synced()},
          {"vnodes", status.vnodes()},
          {"slots_unserved", status.slots_unserved()},
          {"members", members}};
}

json ToJson(const v1::GetRingResponse& ring) {
  json shares = json::array();
  for (const auto& s : ring.shares()) {
    shares.push_back({{"node_id", s.node_id()},
                      {"slots", s.slots()},
                      {"percent", s.percent()},
                      {"ring_slots", s.ring_slots()}});
  }
  json ranges = json::array();
  for (const auto& r : ring.ranges()) {
    ranges.push_back({{"first", r.first()}, {"last", r.last()}, {"node_id", r.node_id()}});
  }
  return {
      {"epoch", ring.epoch()}, {"vnodes", ring.vnodes()}, {"shares", shares}, {"ranges", ranges}};
}

json ToJson(const v1::PlanRingChangeResponse& plan) {
  json members = json::array();
  for (const auto& m : plan.members()) members.push_back(ToJson(m));
  return {{"epoch", plan.epoch()}, {"moves", MovesJson(plan.moves())}, {"members", members}};
}

json ToJson(const v1::ApplyRingChangeResponse& applied) {
  return {{"epoch", applied.epoch()},
          {"digest", applied.digest()},
          {"moves", MovesJson(applied.moves())}};
}

json ToJson(const v1::WhereResponse& where) {
  return {{"slot", where.slot()},
          {"node_id", where.node_id()},
          {"resp_address", where.resp_address()},
          {"admin_address", where.admin_address()},
          {"epoch", where.epoch()},
          {"migration", where.migration()},
          {"reachable", where.reachable()}};
}

std::string RenderNodes(const v1::GetClusterStatusResponse& status) {
  Table t({"ID", "RESP", "ADMIN", "STATE", "UP", "SLOTS", "LAST HEARD"},
          {Align::kLeft, Align::kLeft, Align::kLeft, Align::kLeft, Align::kLeft, Align::kRight,
           Align::kRight});
  for (const auto& m : status.members()) {
    t.AddRow({m.node_id(), m.resp_address(), m.admin_address(), m.state(), YesNo(m.reachable()),
              std::to_string(m.slots()),
              m.is_self() ? "myself" : HumanMicros(static_cast<double>(m.last_heard_ms()) * 1000)});
  }
  return t.Render();
}

std::string RenderRing(const v1::GetRingResponse& ring) {
  std::string out = fmt::format("ring at epoch {}, {} members, {} vnodes each\n\n", ring.epoch(),
                                ring.shares_size(), ring.vnodes());
  Table t({"NODE", "SLOTS", "SHARE", "RING TARGET"},
          {Align::kLeft, Align::kRight, Align::kRight, Align::kRight});
  for (const auto& s : ring.shares()) {
    t.AddRow({ShortId(s.node_id()), std::to_string(s.slots()), fmt::format("{:.1f}%", s.percent()),
              std::to_string(s.ring_slots())});
  }
  out += t.Render();
  if (ring.ranges_size() > 0) {
    Table r({"SLOTS", "NODE"});
    for (const auto& range : ring.ranges()) {
      r.AddRow({range.first() == range.last() ? std::to_string(range.first())
                                              : fmt::format("{}-{}", range.first(), range.last()),
                ShortId(range.node_id())});
    }
    out += "\n" + r.Render();
  }
  return out;
}

std::string RenderWhere(const std::string& key, const v1::WhereResponse& where) {
  Table t({});
  t.AddRow({"key", key});
  t.AddRow({"slot", std::to_string(where.slot())});
  t.AddRow({"owner", where.node_id().empty() ? "(none)" : where.node_id()});
  t.AddRow({"resp address", where.resp_address()});
  t.AddRow({"admin address", where.admin_address()});
  t.AddRow({"reachable", YesNo(where.reachable())});
  t.AddRow({"migration", where.migration()});
  t.AddRow({"epoch", std::to_string(where.epoch())});
  return t.Render();
}

std::string RenderPlan(const v1::PlanRingChangeResponse& plan) {
  std::string out = fmt::format("plan on epoch {} (nothing changed yet)\n\n", plan.epoch());
  out += RenderMoves(plan.moves());
  std::string after;
  for (const auto& m : plan.members()) {
    after += fmt::format("{}{} ({})", after.empty() ? "" : ", ", ShortId(m.node_id()),
                         m.admin_address());
  }
  out += fmt::format("members after: {}\n", after.empty() ? "(none)" : after);
  return out;
}

std::string RenderApplied(const v1::ApplyRingChangeResponse& applied) {
  return fmt::format("committed epoch {} (digest {})\n\n", applied.epoch(),
                     applied.digest().substr(0, 12)) +
         RenderMoves(applied.moves());
}

}  // namespace kv::ctl
