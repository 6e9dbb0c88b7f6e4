#pragma once

// Argument parsing and reply formats shared by the geo commands (geo_family.cc, geo_search.cc),
// with Redis geo.c's error texts.

#include <cmath>
#include <cstdio>
#include <optional>
#include <string>

#include "server/commands/arg_parsing.h"
#include "server/commands/geohash.h"

namespace kv {

// lon, lat at args[i], args[i+1], checked against the geohash's ranges.
inline std::optional<geo::LonLat> ParseLonLatOrReply(CommandContext& ctx, ArgList args, size_t i) {
  auto lon = ParseDoubleOrReply(ctx, args[i]);
  if (!lon) return std::nullopt;
  auto lat = ParseDoubleOrReply(ctx, args[i + 1]);
  if (!lat) return std::nullopt;
  if (*lon < geo::kLonMin || *lon > geo::kLonMax || *lat < geo::kLatMin || *lat > geo::kLatMax) {
    char buf[160];
    std::snprintf(buf, sizeof(buf), "ERR invalid longitude,latitude pair %f,%f", *lon, *lat);
    ctx.rb.Error(buf);
    return std::nullopt;
  }
  return geo::LonLat{*lon, *lat};
}

// M, KM, FT, MI: metres per unit; nullopt after replying on anything else.
inline std::optional<double> ParseUnitOrReply(CommandContext& ctx, std::string_view u) {
  if (EqualsIgnoreCase(u, "m")) return 1;
  if (EqualsIgnoreCase(u, "km")) return 1000;
  if (EqualsIgnoreCase(u, "ft")) return 0.3048;
  if (EqualsIgnoreCase(u, "mi")) return 1609.34;
  ctx.rb.Error("ERR unsupported unit provided. please use M, KM, FT, MI");
  return std::nullopt;
}

// A double for a geo argument, with the argument-specific error text ("need numeric radius").
inline std::optional<double> ParseGeoDoubleOrReply(CommandContext& ctx, std::string_view arg,
                                                   std::string_view err) {
  auto v = ParseDouble(arg);
  if (!v) ctx.rb.Error(err);
  return v;
}

// A distance as Redis replies it: rounded to 4 decimals (fixedpoint_d2string).
inline std::string FormatDistance(double d) {
  long long scaled = std::llrint(d * 10000.0);
  bool negative = scaled < 0;
  unsigned long long v = negative ? 0ULL - static_cast<unsigned long long>(scaled)
                                  : static_cast<unsigned long long>(scaled);
  char buf[48];
  std::snprintf(buf, sizeof(buf), "%s%llu.%04llu", negative ? "-" : "", v / 10000, v % 10000);
  return buf;
}

// A coordinate as Redis's addReplyHumanLongDouble: a bulk string in RESP2, a double in RESP3.
inline void ReplyCoordinate(CommandContext& ctx, double v) {
  std::string s = FormatLongDoubleHuman(v);
  if (!ctx.rb.resp3()) return ctx.rb.Bulk(s);
  ctx.rb.Raw(",");
  ctx.rb.Raw(s);
  ctx.rb.Raw("\r\n");
}

}  // namespace kv
