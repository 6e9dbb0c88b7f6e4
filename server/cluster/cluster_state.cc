#include "server/cluster/cluster_state.h"

#include <fmt/format.h>
#include <xxhash.h>

#include <algorithm>
#include <nlohmann/json.hpp>

namespace kv::cluster {

using nlohmann::json;

std::string_view MemberStateName(MemberState s) {
  switch (s) {
    case MemberState::kJoining: return "joining";
    case MemberState::kUp: return "up";
    case MemberState::kLeaving: return "leaving";
  }
  return "up";
}

namespace {

std::optional<MemberState> ParseMemberState(std::string_view s) {
  if (s == "joining") return MemberState::kJoining;
  if (s == "up") return MemberState::kUp;
  if (s == "leaving") return MemberState::kLeaving;
  return std::nullopt;
}

// IPv6 literals need brackets in host:port.
std::string JoinHostPort(const std::string& host, int port) {
  if (host.find(':') != std::string::npos) return fmt::format("[{}]:{}", host, port);
  return fmt::format("{}:{}", host, port);
}

}  // namespace

std::string Member::RespAddress() const { return JoinHostPort(host, port); }
std::string Member::AdminAddress() const { return JoinHostPort(host, admin_port); }

int ClusterState::MemberIndex(std::string_view id) const {
  auto it = std::lower_bound(members.begin(), members.end(), id,
                             [](const Member& m, std::string_view v) { return m.id < v; });
  if (it == members.end() || it->id != id) return -1;
  return static_cast<int>(it - members.begin());
}

const Member* ClusterState::FindMember(std::string_view id) const {
  int i = MemberIndex(id);
  return i < 0 ? nullptr : &members[static_cast<size_t>(i)];
}

const Member* ClusterState::OwnerOf(size_t slot) const {
  if (slot >= slot_owner.size()) return nullptr;
  int16_t i = slot_owner[slot];
  return i == kNoOwner ? nullptr : &members[static_cast<size_t>(i)];
}

size_t ClusterState::SlotsOwnedBy(std::string_view id) const {
  int i = MemberIndex(id);
  if (i < 0) return 0;
  return static_cast<size_t>(std::count(slot_owner.begin(), slot_owner.end(), i));
}

std::vector<std::string> ClusterState::MemberIds() const {
  std::vector<std::string> ids;
  ids.reserve(members.size());
  for (const Member& m : members) ids.push_back(m.id);
  return ids;
}

void ClusterState::UpsertMember(Member m) {
  if (int i = MemberIndex(m.id); i >= 0) {
    members[static_cast<size_t>(i)] = std::move(m);
    return;
  }
  auto pos = std::lower_bound(members.begin(), members.end(), m.id,
                              [](const Member& a, const std::string& v) { return a.id < v; });
  const auto inserted = static_cast<int16_t>(pos - members.begin());
  members.insert(pos, std::move(m));
  for (int16_t& o : slot_owner) {
    if (o != kNoOwner && o >= inserted) ++o;
  }
}

void ClusterState::RemoveMember(std::string_view id) {
  const int i = MemberIndex(id);
  if (i < 0) return;
  members.erase(members.begin() + i);
  for (int16_t& o : slot_owner) {
    if (o == i) {
      o = kNoOwner;
    } else if (o > i) {
      --o;
    }
  }
}

std::string ClusterState::ToJson() const {
  json j;
  j["version"] = kStateFormatVersion;
  j["epoch"] = epoch;
  j["cluster_id"] = cluster_id;
  j["vnodes"] = vnodes;
  j["change_id"] = change_id;
  json ms = json::array();
  for (const Member& m : members) {
    ms.push_back({{"id", m.id},
                  {"host", m.host},
                  {"port", m.port},
                  {"admin_port", m.admin_port},
                  {"state", MemberStateName(m.state)}});
  }
  j["members"] = std::move(ms);
  // Owners as [first, last, member index] runs: 16384 entries collapse to a few hundred.
  json ranges = json::array();
  for (size_t s = 0; s < slot_owner.size();) {
    size_t e = s;
    while (e + 1 < slot_owner.size() && slot_owner[e + 1] == slot_owner[s]) ++e;
    if (slot_owner[s] != kNoOwner) ranges.push_back({s, e, slot_owner[s]});
    s = e + 1;
  }
  j["slots"] = std::move(ranges);
  json migs = json::array();
  for (const Migration& m : migrations) migs.push_back({{"slot", m.slot}, {"from", m.from}, {"to", m.to}});
  j["migrations"] = std::move(migs);
  return j.dump();
}

std::optional<ClusterState> ClusterState::FromJson(std::string_view text, std::string* error) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    *error = "cluster state is not a JSON object";
    return std::nullopt;
  }
  try {
    if (j.at("version").get<int>() != kStateFormatVersion) {
      *error = fmt::format("cluster state format version {} is not {}", j.at("version").dump(),
                           kStateFormatVersion);
      return std::nullopt;
    }
    ClusterState s;
    s.epoch = j.at("epoch").get<uint64_t>();
    s.cluster_id = j.at("cluster_id").get<std::string>();
    s.vnodes = j.at("vnodes").get<int>();
    s.change_id = j.at("change_id").get<std::string>();
    for (const json& m : j.at("members")) {
      Member member;
      member.id = m.at("id").get<std::string>();
      member.host = m.at("host").get<std::string>();
      member.port = m.at("port").get<int>();
      member.admin_port = m.at("admin_port").get<int>();
      auto st = ParseMemberState(m.at("state").get<std::string>());
      if (!st) {
        *error = "unknown member state " + m.at("state").dump();
        return std::nullopt;
      }
      member.state = *st;
      s.members.push_back(std::move(member));
    }
    if (!std::is_sorted(s.members.begin(), s.members.end(),
                        [](const Member& a, const Member& b) { return a.id < b.id; })) {
      *error = "cluster state members are not sorted by id";
      return std::nullopt;
    }
    if (s.epoch > 0) s.slot_owner.assign(kNumSlots, kNoOwner);
    for (const json& r : j.at("slots")) {
      const auto first = r.at(0).get<size_t>();
      const auto last = r.at(1).get<size_t>();
      const auto owner = r.at(2).get<int>();
      if (first > last || last >= s.slot_owner.size() || owner < 0 ||
          owner >= static_cast<int>(s.members.size())) {
        *error = "cluster state has a bad slot range " + r.dump();
        return std::nullopt;
      }
      std::fill(s.slot_owner.begin() + static_cast<ptrdiff_t>(first),
                s.slot_owner.begin() + static_cast<ptrdiff_t>(last) + 1,
                static_cast<int16_t>(owner));
    }
    for (const json& m : j.at("migrations")) {
      s.migrations.push_back({m.at("slot").get<uint16_t>(), m.at("from").get<std::string>(),
                              m.at("to").get<std::string>()});
    }
    return s;
  } catch (const json::exception& e) {
    *error = std::string("cluster state is malformed: ") + e.what();
    return std::nullopt;
  }
}

std::string ClusterState::Digest() const {
  const std::string text = ToJson();
  return fmt::format("{:016x}", XXH3_64bits(text.data(), text.size()));
}

ClusterState BootstrapState(const Member& self, int vnodes, std::string cluster_id) {
  ClusterState s;
  s.epoch = 1;
  s.cluster_id = std::move(cluster_id);
  s.vnodes = vnodes;
  s.members.push_back(self);
  s.members.back().state = MemberState::kUp;
  s.slot_owner.assign(kNumSlots, 0);
  s.change_id = "bootstrap-" + self.id;
  return s;
}

}  // namespace kv::cluster
