#include "server/cluster/state_store.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "server/base/file_util.h"

namespace kv::cluster {

using nlohmann::json;

namespace {

constexpr int kDurableFormatVersion = 1;

json BallotJson(const Ballot& b) { return json::array({b.round, b.node}); }
Ballot BallotFrom(const json& j) { return Ballot{j.at(0).get<uint64_t>(), j.at(1).get<std::string>()}; }

}  // namespace

std::string SerializeDurable(const DurableState& d) {
  json j;
  j["version"] = kDurableFormatVersion;
  j["committed"] = json::parse(d.committed.ToJson());
  json acc;
  acc["instance"] = d.acceptor.instance;
  acc["promised"] = BallotJson(d.acceptor.promised);
  acc["accepted_ballot"] = d.acceptor.accepted_ballot ? BallotJson(*d.acceptor.accepted_ballot) : json();
  acc["accepted_value"] =
      d.acceptor.accepted_value ? json::parse(d.acceptor.accepted_value->ToJson()) : json();
  j["acceptor"] = std::move(acc);
  return j.dump() + "\n";
}

std::optional<DurableState> ParseDurable(const std::string& text, std::string* error) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    *error = "not a JSON object";
    return std::nullopt;
  }
  try {
    if (j.at("version").get<int>() != kDurableFormatVersion) {
      *error = fmt::format("format version {} is not {}", j.at("version").dump(),
                           kDurableFormatVersion);
      return std::nullopt;
    }
    DurableState d;
    auto committed = ClusterState::FromJson(j.at("committed").dump(), error);
    if (!committed) return std::nullopt;
    d.committed = std::move(*committed);
    const json& acc = j.at("acceptor");
    d.acceptor.instance = acc.at("instance").get<uint64_t>();
    d.acceptor.promised = BallotFrom(acc.at("promised"));
    if (!acc.at("accepted_ballot").is_null()) {
      d.acceptor.accepted_ballot = BallotFrom(acc.at("accepted_ballot"));
      auto v = ClusterState::FromJson(acc.at("accepted_value").dump(), error);
      if (!v) return std::nullopt;
      d.acceptor.accepted_value = std::make_shared<ClusterState>(std::move(*v));
    }
    return d;
  } catch (const json::exception& e) {
    *error = e.what();
    return std::nullopt;
  }
}

std::optional<DurableState> StateStore::Load(std::string* error) const {
  const std::string path = (std::filesystem::path(dir_) / kStateFileName).string();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::nullopt;
  std::string text;
  if (!file_io::ReadFile(path, &text)) {
    *error = fmt::format("cannot read {}: {}", path, std::strerror(errno));
    return std::nullopt;
  }
  std::string why;
  auto d = ParseDurable(text, &why);
  if (!d) *error = fmt::format("{} is corrupt: {}", path, why);
  return d;
}

Status StateStore::Save(const DurableState& d) const {
  if (int err = file_io::WriteFileAtomic(dir_, kStateFileName, SerializeDurable(d)); err != 0) {
    return Status::Error(StatusCode::kInternal,
                         fmt::format("cannot write {}/{}: {}", dir_, kStateFileName,
                                     std::strerror(err)));
  }
  return Status::Ok();
}

}  // namespace kv::cluster
