// The geo searches (Redis geo.c georadiusGeneric): GEORADIUS, GEORADIUSBYMEMBER (and their _RO
// forms), GEOSEARCH and GEOSEARCHSTORE. Options are parsed in Redis's order so the same bad
// argument gets the same error; the candidates come from the 9 geohash cells around the centre,
// scanned in Redis's order, so unsorted replies list members in the same order too.

#include <algorithm>
#include <string>
#include <vector>

#include "server/commands/command_registry.h"
#include "server/commands/geo_args.h"
#include "server/commands/zset_family.h"

namespace kv {
namespace {

enum SearchFlag : uint32_t {
  kFromCoords = 1 << 0,   // GEORADIUS: centre given as lon lat
  kFromMember = 1 << 1,   // GEORADIUSBYMEMBER: centre is a member
  kNoStore = 1 << 2,      // the _RO forms
  kSearch = 1 << 3,       // GEOSEARCH syntax
  kSearchStore = 1 << 4,  // GEOSEARCHSTORE
};

enum class Order { kNone, kAsc, kDesc };

struct Point {
  std::string_view member;
  double score;
  geo::LonLat pos;
  double dist;  // metres until the reply converts it
};

struct SearchRequest {
  geo::Shape shape;
  bool with_dist = false, with_hash = false, with_coord = false, any = false;
  Order order = Order::kNone;
  int64_t count = 0;  // 0 = all
  std::optional<std::string_view> store;
  bool store_dist = false;
};

bool ParseDistanceOrReply(CommandContext& ctx, ArgList args, size_t i, geo::Shape* shape) {
  auto r = ParseGeoDoubleOrReply(ctx, args[i], "ERR need numeric radius");
  if (!r) return false;
  if (*r < 0) {
    ctx.rb.Error("ERR radius cannot be negative");
    return false;
  }
  auto unit = ParseUnitOrReply(ctx, args[i + 1]);
  if (!unit) return false;
  shape->is_box = false;
  shape->radius = *r;
  shape->to_meters = *unit;
  return true;
}

bool ParseBoxOrReply(CommandContext& ctx, ArgList args, size_t i, geo::Shape* shape) {
  auto w = ParseGeoDoubleOrReply(ctx, args[i], "ERR need numeric width");
  if (!w) return false;
  auto h = ParseGeoDoubleOrReply(ctx, args[i + 1], "ERR need numeric height");
  if (!h) return false;
  if (*h < 0 || *w < 0) {
    ctx.rb.Error("ERR height or width cannot be negative");
    return false;
  }
  auto unit = ParseUnitOrReply(ctx, args[i + 2]);
  if (!unit) return false;
  shape->is_box = true;
  shape->width = *w;
  shape->height = *h;
  shape->to_meters = *unit;
  return true;
}

bool MemberPositionOrReply(CommandContext& ctx, const ZSet& z, std::string_view member,
                           geo::LonLat* out) {
  auto score = z.Score(member);
  if (!score || !geo::DecodeScore(*score, out)) {
    ctx.rb.Error("ERR could not decode requested zset member");
    return false;
  }
  return true;
}

// Parses everything after the fixed arguments; replies and returns false on an error.
bool ParseSearchOrReply(CommandContext& ctx, ArgList args, uint32_t flags, const ZSet* z,
                        size_t base, SearchRequest* req) {
  bool from_member = false, from_lonlat = false, by_radius = false, by_box = false;
  for (size_t i = base; i < args.size(); ++i) {
    std::string_view a = args[i];
    size_t left = args.size() - i - 1;
    bool search = flags & kSearch;
    if (EqualsIgnoreCase(a, "withdist")) {
      req->with_dist = true;
    } else if (EqualsIgnoreCase(a, "withhash")) {
      req->with_hash = true;
    } else if (EqualsIgnoreCase(a, "withcoord")) {
      req->with_coord = true;
    } else if (EqualsIgnoreCase(a, "any")) {
      req->any = true;
    } else if (EqualsIgnoreCase(a, "asc")) {
      req->order = Order::kAsc;
    } else if (EqualsIgnoreCase(a, "desc")) {
      req->order = Order::kDesc;
    } else if (EqualsIgnoreCase(a, "count") && left >= 1) {
      auto c = ParseIntOrReply(ctx, args[++i]);
      if (!c) return false;
      if (*c <= 0) {
        ctx.rb.Error("ERR COUNT must be > 0");
        return false;
      }
      req->count = *c;
    } else if ((EqualsIgnoreCase(a, "store") || EqualsIgnoreCase(a, "storedist")) && left >= 1 &&
               !(flags & kNoStore) && !search) {
      req->store = args[++i];
      req->store_dist = EqualsIgnoreCase(a, "storedist");
    } else if (EqualsIgnoreCase(a, "storedist") && (flags & kSearchStore)) {
      req->store_dist = true;
    } else if (EqualsIgnoreCase(a, "frommember") && left >= 1 && search && !from_lonlat) {
      ++i;
      // Without the key, parsing goes on so that the reply fits the command (empty or 0).
      if (z != nullptr && !MemberPositionOrReply(ctx, *z, args[i], &req->shape.centre)) {
        return false;
      }
      from_member = true;
    } else if (EqualsIgnoreCase(a, "fromlonlat") && left >= 2 && search && !from_member) {
      auto pos = ParseLonLatOrReply(ctx, args, i + 1);
      if (!pos) return false;
      req->shape.centre = *pos;
      from_lonlat = true;
      i += 2;
    } else if (EqualsIgnoreCase(a, "byradius") && left >= 2 && search && !by_box) {
      if (!ParseDistanceOrReply(ctx, args, i + 1, &req->shape)) return false;
      by_radius = true;
      i += 2;
    } else if (EqualsIgnoreCase(a, "bybox") && left >= 3 && search && !by_radius) {
      if (!ParseBoxOrReply(ctx, args, i + 1, &req->shape)) return false;
      by_box = true;
      i += 3;
    } else {
      ctx.rb.Error(resp::kSyntaxErr);
      return false;
    }
  }
  if (req->store && (req->with_dist || req->with_hash || req->with_coord)) {
    ctx.rb.Error(std::string("ERR ") +
                 ((flags & kSearchStore) ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS") +
                 " is not compatible with WITHDIST, WITHHASH and WITHCOORD options");
    return false;
  }
  if ((flags & kSearch) && !(from_member || from_lonlat)) {
    ctx.rb.Error("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for " +
                 std::string(args[0]));
    return false;
  }
  if ((flags & kSearch) && !(by_radius || by_box)) {
    ctx.rb.Error("ERR exactly one of BYRADIUS and BYBOX can be specified for " +
                 std::string(args[0]));
    return false;
  }
  if (req->any && req->count == 0) {
    ctx.rb.Error("ERR the ANY argument requires COUNT argument");
    return false;
  }
  return true;
}

// The members inside the shape, cell by cell in Redis's order; with a `limit` (ANY), stops once
// that many are found.
std::vector<Point> PointsInShape(const ZSet& z, const geo::Shape& shape, size_t limit) {
  std::vector<Point> out;
  std::array<geo::HashBits, 9> cells = geo::SearchCells(shape);
  int last = -1;
  for (int i = 0; i < 9; ++i) {
    const geo::HashBits& cell = cells[static_cast<size_t>(i)];
    if (cell.zero()) continue;
    // Huge radii make neighbours repeat: skip a cell equal to the last one scanned.
    if (last >= 0 && cell.bits == cells[static_cast<size_t>(last)].bits &&
        cell.step == cells[static_cast<size_t>(last)].step) {
      continue;
    }
    if (limit != 0 && out.size() >= limit) break;
    uint64_t min, max;
    geo::CellScoreRange(cell, &min, &max);
    ZScoreRange range{static_cast<double>(min), static_cast<double>(max), false, true};
    for (ZSet::Cursor c = z.FirstInScoreRange(range); c.valid(); c.Next()) {
      if (c.score() >= range.max) break;
      Point p{c.member(), c.score(), {}, 0};
      if (geo::WithinShape(shape, p.score, &p.pos, &p.dist)) out.push_back(p);
      if (limit != 0 && out.size() >= limit) break;
    }
    last = i;
  }
  return out;
}

void ReplyPoints(CommandContext& ctx, const SearchRequest& req, const std::vector<Point>& pts,
                 size_t n) {
  size_t extras = (req.with_dist ? 1 : 0) + (req.with_hash ? 1 : 0) + (req.with_coord ? 1 : 0);
  ctx.rb.ArrayHeader(n);
  for (size_t i = 0; i < n; ++i) {
    const Point& p = pts[i];
    if (extras != 0) ctx.rb.ArrayHeader(extras + 1);
    ctx.rb.Bulk(p.member);
    if (req.with_dist) ctx.rb.Bulk(FormatDistance(p.dist / req.shape.to_meters));
    if (req.with_hash) ctx.rb.Integer(static_cast<int64_t>(p.score));
    if (req.with_coord) {
      ctx.rb.ArrayHeader(2);
      ReplyCoordinate(ctx, p.pos.lon);
      ReplyCoordinate(ctx, p.pos.lat);
    }
  }
}

void GeoSearchGeneric(CommandContext& ctx, ArgList args, size_t src, uint32_t flags) {
  bool wrong;
  Entry* e = FindTyped(ctx, args[src], ValueType::kZSet, &wrong);
  if (wrong) return;
  const ZSet* z = e != nullptr ? &e->value.zset() : nullptr;
  SearchRequest req;
  size_t base;
  if (flags & kFromCoords) {
    base = 6;
    auto pos = ParseLonLatOrReply(ctx, args, 2);
    if (!pos) return;
    req.shape.centre = *pos;
    if (!ParseDistanceOrReply(ctx, args, 4, &req.shape)) return;
  } else if (flags & kFromMember) {
    base = 5;
    if (z != nullptr) {
      if (!MemberPositionOrReply(ctx, *z, args[2], &req.shape.centre)) return;
      if (!ParseDistanceOrReply(ctx, args, 3, &req.shape)) return;
    }
  } else {
    base = (flags & kSearchStore) ? 3 : 2;
    if (flags & kSearchStore) req.store = args[1];
  }
  if (!ParseSearchOrReply(ctx, args, flags, z, base, &req)) return;
  if (z == nullptr) {
    if (!req.store) return ctx.rb.ArrayHeader(0);
    if (ctx.Db(*req.store).Erase(*req.store)) ctx.MarkDirty();
    return ctx.rb.Integer(0);
  }
  // COUNT without an order means the closest ones, unless ANY asks for the first found.
  if (req.count != 0 && req.order == Order::kNone && !req.any) req.order = Order::kAsc;
  std::vector<Point> pts =
      PointsInShape(*z, req.shape, req.any ? static_cast<size_t>(req.count) : 0);
  if (req.order != Order::kNone) {
    bool desc = req.order == Order::kDesc;
    std::stable_sort(pts.begin(), pts.end(), [desc](const Point& a, const Point& b) {
      return desc ? a.dist > b.dist : a.dist < b.dist;
    });
  }
  size_t n = req.count == 0 ? pts.size() : std::min(pts.size(), static_cast<size_t>(req.count));
  if (!req.store) return ReplyPoints(ctx, req, pts, n);
  ZSet result;
  for (size_t i = 0; i < n; ++i) {
    const Point& p = pts[i];
    result.Add(p.member, req.store_dist ? p.dist / req.shape.to_meters : p.score);
  }
  StoreZSet(ctx, *req.store, std::move(result));
}

// GEORADIUS and GEORADIUSBYMEMBER name a destination after STORE/STOREDIST: it is a key too.
void RadiusKeys(ArgList args, KeyIndexVec* out) {
  out->push_back(1);
  for (size_t i = 2; i + 1 < args.size(); ++i) {
    if (EqualsIgnoreCase(args[i], "store") || EqualsIgnoreCase(args[i], "storedist")) {
      out->push_back(i + 1);
    }
  }
}

void CmdGeoRadius(CommandContext& ctx, ArgList args) {
  GeoSearchGeneric(ctx, args, 1, kFromCoords);
}
void CmdGeoRadiusRo(CommandContext& ctx, ArgList args) {
  GeoSearchGeneric(ctx, args, 1, kFromCoords | kNoStore);
}
void CmdGeoRadiusByMember(CommandContext& ctx, ArgList args) {
  GeoSearchGeneric(ctx, args, 1, kFromMember);
}
void CmdGeoRadiusByMemberRo(CommandContext& ctx, ArgList args) {
  GeoSearchGeneric(ctx, args, 1, kFromMember | kNoStore);
}
void CmdGeoSearch(CommandContext& ctx, ArgList args) { GeoSearchGeneric(ctx, args, 1, kSearch); }
void CmdGeoSearchStore(CommandContext& ctx, ArgList args) {
  GeoSearchGeneric(ctx, args, 2, kSearch | kSearchStore);
}

}  // namespace

void RegisterGeoSearch(CommandRegistry& r) {
  r.Add({"georadius", -6, kWrite | kDenyOom, 1, 1, 1, CmdGeoRadius, RadiusKeys});
  r.Add({"georadius_ro", -6, kReadOnly, 1, 1, 1, CmdGeoRadiusRo});
  r.Add({"georadiusbymember", -5, kWrite | kDenyOom, 1, 1, 1, CmdGeoRadiusByMember, RadiusKeys});
  r.Add({"georadiusbymember_ro", -5, kReadOnly, 1, 1, 1, CmdGeoRadiusByMemberRo});
  r.Add({"geosearch", -7, kReadOnly, 1, 1, 1, CmdGeoSearch});
  r.Add({"geosearchstore", -8, kWrite | kDenyOom, 1, 2, 1, CmdGeoSearchStore});
}

}  // namespace kv
