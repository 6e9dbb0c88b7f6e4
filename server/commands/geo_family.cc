// Geo commands on sorted sets (Redis geo.c): GEOADD, GEODIST, GEOHASH, GEOPOS. A member's score
// is its 52-bit geohash (geohash.h). The searches (GEORADIUS*, GEOSEARCH*) are in geo_search.cc.

#include <string>
#include <utility>
#include <vector>

#include "server/commands/command_registry.h"
#include "server/commands/geo_args.h"
#include "server/db/zset.h"

namespace kv {

void RegisterGeoSearch(CommandRegistry& r);  // geo_search.cc

namespace {

// GEOADD key [NX|XX] [CH] longitude latitude member [...]: ZADD with geohash scores.
void CmdGeoAdd(CommandContext& ctx, ArgList args) {
  ZAddOptions opt;
  bool ch = false;
  size_t first = 2;
  for (; first < args.size(); ++first) {
    std::string_view a = args[first];
    if (EqualsIgnoreCase(a, "nx")) {
      opt.nx = true;
    } else if (EqualsIgnoreCase(a, "xx")) {
      opt.xx = true;
    } else if (EqualsIgnoreCase(a, "ch")) {
      ch = true;
    } else {
      break;
    }
  }
  size_t rest = args.size() - first;
  if (rest % 3 != 0 || rest == 0 || (opt.xx && opt.nx)) return ctx.rb.Error(resp::kSyntaxErr);
  std::vector<std::pair<double, std::string_view>> points;
  for (size_t i = first; i < args.size(); i += 3) {
    auto pos = ParseLonLatOrReply(ctx, args, i);
    if (!pos) return;
    points.emplace_back(static_cast<double>(geo::EncodeScore(pos->lon, pos->lat)), args[i + 2]);
  }
  bool wrong;
  Entry* e = FindTyped(ctx, args[1], ValueType::kZSet, &wrong);
  if (wrong) return;
  if (e == nullptr) {
    if (opt.xx) return ctx.rb.Integer(0);
    e = ctx.Db(args[1]).Upsert(args[1], Value::NewZSet());
  }
  int64_t added = 0, changed = 0;
  for (const auto& [score, member] : points) {
    ZAddResult r = e->value.zset().Add(member, score, opt);
    added += r.added ? 1 : 0;
    changed += (r.added || r.updated) ? 1 : 0;
  }
  if (e->value.zset().empty()) ctx.Db(args[1]).Erase(args[1]);
  if (changed != 0) ctx.MarkDirty(static_cast<uint64_t>(changed));
  ctx.rb.Integer(ch ? changed : added);
}

// GEODIST key member1 member2 [M|KM|FT|MI]
void CmdGeoDist(CommandContext& ctx, ArgList args) {
  double to_meters = 1;
  if (args.size() == 5) {
    auto u = ParseUnitOrReply(ctx, args[4]);
    if (!u) return;
    to_meters = *u;
  } else if (args.size() > 5) {
    return ctx.rb.Error(resp::kSyntaxErr);
  }
  bool wrong;
  Entry* e = FindTyped(ctx, args[1], ValueType::kZSet, &wrong);
  if (wrong) return;
  if (e == nullptr) return ctx.rb.NullBulk();
  auto s1 = e->value.zset().Score(args[2]);
  auto s2 = e->value.zset().Score(args[3]);
  geo::LonLat a, b;
  if (!s1 || !s2 || !geo::DecodeScore(*s1, &a) || !geo::DecodeScore(*s2, &b)) {
    return ctx.rb.NullBulk();
  }
  ctx.rb.Bulk(FormatDistance(geo::Distance(a.lon, a.lat, b.lon, b.lat) / to_meters));
}

// GEOHASH key [member ...]: 11-character standard geohashes, nil for missing members.
void CmdGeoHash(CommandContext& ctx, ArgList args) {
  bool wrong;
  Entry* e = FindTyped(ctx, args[1], ValueType::kZSet, &wrong);
  if (wrong) return;
  ctx.rb.ArrayHeader(args.size() - 2);
  for (size_t i = 2; i < args.size(); ++i) {
    auto score = e != nullptr ? e->value.zset().Score(args[i]) : std::nullopt;
    std::string hash = score ? geo::GeohashString(*score) : std::string();
    hash.empty() ? ctx.rb.NullBulk() : ctx.rb.Bulk(hash);
  }
}

// GEOPOS key [member ...]: [longitude, latitude] per member, a null array for missing ones.
void CmdGeoPos(CommandContext& ctx, ArgList args) {
  bool wrong;
  Entry* e = FindTyped(ctx, args[1], ValueType::kZSet, &wrong);
  if (wrong) return;
  ctx.rb.ArrayHeader(args.size() - 2);
  for (size_t i = 2; i < args.size(); ++i) {
    auto score = e != nullptr ? e->value.zset().Score(args[i]) : std::nullopt;
    geo::LonLat p;
    if (!score || !geo::DecodeScore(*score, &p)) {
      ctx.rb.NullArray();
      continue;
    }
    ctx.rb.ArrayHeader(2);
    ReplyCoordinate(ctx, p.lon);
    ReplyCoordinate(ctx, p.lat);
  }
}

}  // namespace

void RegisterGeoFamily(CommandRegistry& r) {
  r.Add({"geoadd", -5, kWrite | kDenyOom, 1, 1, 1, CmdGeoAdd});
  r.Add({"geodist", -4, kReadOnly, 1, 1, 1, CmdGeoDist});
  r.Add({"geohash", -2, kReadOnly, 1, 1, 1, CmdGeoHash});
  r.Add({"geopos", -2, kReadOnly, 1, 1, 1, CmdGeoPos});
  RegisterGeoSearch(r);
}

}  // namespace kv
