#include "server/commands/geohash.h"

#include <algorithm>
#include <cmath>
#include <initializer_list>

namespace kv::geo {
namespace {

constexpr double kEarthRadiusM = 6372797.560856;
constexpr double kMercatorMax = 20037726.37;
constexpr double kDegToRad = M_PI / 180.0;
const char kBase32[] = "0123456789bcdefghjkmnpqrstuvwxyz";

double DegRad(double d) { return d * kDegToRad; }
double RadDeg(double r) { return r / kDegToRad; }

// Spreads the 32 bits of v to the even bit positions.
uint64_t Spread(uint32_t v) {
  uint64_t x = v;
  x = (x | (x << 16)) & 0x0000FFFF0000FFFFULL;
  x = (x | (x << 8)) & 0x00FF00FF00FF00FFULL;
  x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0FULL;
  x = (x | (x << 2)) & 0x3333333333333333ULL;
  x = (x | (x << 1)) & 0x5555555555555555ULL;
  return x;
}

// The inverse of Spread: the even bits of x, packed.
uint32_t Squash(uint64_t x) {
  x &= 0x5555555555555555ULL;
  x = (x | (x >> 1)) & 0x3333333333333333ULL;
  x = (x | (x >> 2)) & 0x0F0F0F0F0F0F0F0FULL;
  x = (x | (x >> 4)) & 0x00FF00FF00FF00FFULL;
  x = (x | (x >> 8)) & 0x0000FFFF0000FFFFULL;
  x = (x | (x >> 16)) & 0x00000000FFFFFFFFULL;
  return static_cast<uint32_t>(x);
}

struct Range {
  double min, max;
};
struct Area {
  Range lon, lat;
};

// Latitude bits sit at even positions, longitude bits at odd ones.
bool Encode(Range lon_r, Range lat_r, double lon, double lat, int step, HashBits* out) {
  if (lon > kLonMax || lon < kLonMin || lat > kLatMax || lat < kLatMin) return false;
  if (lat < lat_r.min || lat > lat_r.max || lon < lon_r.min || lon > lon_r.max) return false;
  double lat_off = (lat - lat_r.min) / (lat_r.max - lat_r.min);
  double lon_off = (lon - lon_r.min) / (lon_r.max - lon_r.min);
  lat_off *= static_cast<double>(1ULL << step);
  lon_off *= static_cast<double>(1ULL << step);
  out->bits = Spread(static_cast<uint32_t>(lat_off)) | (Spread(static_cast<uint32_t>(lon_off)) << 1);
  out->step = step;
  return true;
}

bool Decode(Range lon_r, Range lat_r, HashBits h, Area* area) {
  if (h.zero()) return false;
  uint32_t ilat = Squash(h.bits), ilon = Squash(h.bits >> 1);
  double cells = static_cast<double>(1ULL << h.step);
  double lat_scale = lat_r.max - lat_r.min, lon_scale = lon_r.max - lon_r.min;
  area->lat.min = lat_r.min + (ilat * 1.0 / cells) * lat_scale;
  area->lat.max = lat_r.min + ((ilat + 1) * 1.0 / cells) * lat_scale;
  area->lon.min = lon_r.min + (ilon * 1.0 / cells) * lon_scale;
  area->lon.max = lon_r.min + ((ilon + 1) * 1.0 / cells) * lon_scale;
  return true;
}

constexpr Range kLonRange{kLonMin, kLonMax};
constexpr Range kLatRange{kLatMin, kLatMax};

// Moves a cell by d (-1, 0, 1) along longitude (odd bits) or latitude (even bits), wrapping.
void MoveX(HashBits* h, int d) {
  if (d == 0) return;
  uint64_t x = h->bits & 0xaaaaaaaaaaaaaaaaULL;
  uint64_t y = h->bits & 0x5555555555555555ULL;
  uint64_t zz = 0x5555555555555555ULL >> (64 - h->step * 2);
  if (d > 0) {
    x = x + (zz + 1);
  } else {
    x = x | zz;
    x = x - (zz + 1);
  }
  x &= (0xaaaaaaaaaaaaaaaaULL >> (64 - h->step * 2));
  h->bits = x | y;
}

void MoveY(HashBits* h, int d) {
  if (d == 0) return;
  uint64_t x = h->bits & 0xaaaaaaaaaaaaaaaaULL;
  uint64_t y = h->bits & 0x5555555555555555ULL;
  uint64_t zz = 0xaaaaaaaaaaaaaaaaULL >> (64 - h->step * 2);
  if (d > 0) {
    y = y + (zz + 1);
  } else {
    y = y | zz;
    y = y - (zz + 1);
  }
  y &= (0x5555555555555555ULL >> (64 - h->step * 2));
  h->bits = x | y;
}

HashBits Neighbour(HashBits h, int dx, int dy) {
  MoveX(&h, dx);
  MoveY(&h, dy);
  return h;
}

int EstimateStep(double range_m, double lat) {
  if (range_m == 0) return 26;
  int step = 1;
  while (range_m < kMercatorMax) {
    range_m *= 2;
    step++;
  }
  step -= 2;
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  return std::min(std::max(step, 1), 26);
}

double LatDistance(double lat1, double lat2) {
  return kEarthRadiusM * std::fabs(DegRad(lat2) - DegRad(lat1));
}

}  // namespace

uint64_t EncodeScore(double lon, double lat) {
  HashBits h;
  Encode(kLonRange, kLatRange, lon, lat, kMaxStep, &h);
  return h.bits << (52 - h.step * 2);
}

bool DecodeScore(double score, LonLat* out) {
  HashBits h{static_cast<uint64_t>(score), kMaxStep};
  Area a;
  if (!Decode(kLonRange, kLatRange, h, &a)) return false;
  out->lon = std::min(std::max((a.lon.min + a.lon.max) / 2, kLonMin), kLonMax);
  out->lat = std::min(std::max((a.lat.min + a.lat.max) / 2, kLatMin), kLatMax);
  return true;
}

std::string GeohashString(double score) {
  LonLat p;
  if (!DecodeScore(score, &p)) return {};
  HashBits h;
  Encode({-180, 180}, {-90, 90}, p.lon, p.lat, 26, &h);
  std::string out(11, '0');
  for (int i = 0; i < 10; ++i) out[static_cast<size_t>(i)] = kBase32[(h.bits >> (52 - (i + 1) * 5)) & 0x1f];
  return out;  // 52 bits make 10.4 characters; the 11th is '0' as in Redis
}

double Distance(double lon1, double lat1, double lon2, double lat2) {
  double lon1r = DegRad(lon1), lon2r = DegRad(lon2);
  double v = std::sin((lon2r - lon1r) / 2);
  if (v == 0.0) return LatDistance(lat1, lat2);
  double lat1r = DegRad(lat1), lat2r = DegRad(lat2);
  double u = std::sin((lat2r - lat1r) / 2);
  double a = u * u + std::cos(lat1r) * std::cos(lat2r) * v * v;
  return 2.0 * kEarthRadiusM * std::asin(std::sqrt(a));
}

bool WithinShape(const Shape& shape, double score, LonLat* pos, double* dist_m) {
  if (!DecodeScore(score, pos)) return false;
  const LonLat& c = shape.centre;
  if (!shape.is_box) {
    *dist_m = Distance(c.lon, c.lat, pos->lon, pos->lat);
    return *dist_m <= shape.radius * shape.to_meters;
  }
  double width_m = shape.width * shape.to_meters, height_m = shape.height * shape.to_meters;
  if (LatDistance(pos->lat, c.lat) > height_m / 2) return false;
  if (Distance(pos->lon, pos->lat, c.lon, pos->lat) > width_m / 2) return false;
  *dist_m = Distance(c.lon, c.lat, pos->lon, pos->lat);
  return true;
}

std::array<HashBits, 9> SearchCells(const Shape& shape) {
  const double lon = shape.centre.lon, lat = shape.centre.lat;
  // The bounding box of the shape.
  double height = shape.to_meters * (shape.is_box ? shape.height / 2 : shape.radius);
  double width = shape.to_meters * (shape.is_box ? shape.width / 2 : shape.radius);
  const double lat_delta = RadDeg(height / kEarthRadiusM);
  const double lon_delta_top = RadDeg(width / kEarthRadiusM / std::cos(DegRad(lat + lat_delta)));
  const double lon_delta_bottom = RadDeg(width / kEarthRadiusM / std::cos(DegRad(lat - lat_delta)));
  bool south = lat < 0;
  const double min_lon = south ? lon - lon_delta_bottom : lon - lon_delta_top;
  const double max_lon = south ? lon + lon_delta_bottom : lon + lon_delta_top;
  const double min_lat = lat - lat_delta, max_lat = lat + lat_delta;

  double radius_m = shape.is_box ? std::sqrt((shape.width / 2) * (shape.width / 2) +
                                             (shape.height / 2) * (shape.height / 2))
                                 : shape.radius;
  radius_m *= shape.to_meters;
  int step = EstimateStep(radius_m, lat);
  HashBits centre;
  Encode(kLonRange, kLatRange, lon, lat, step, &centre);
  auto cells = [](HashBits h) {
    return std::array<HashBits, 9>{h,
                                   Neighbour(h, 0, 1),    // north
                                   Neighbour(h, 0, -1),   // south
                                   Neighbour(h, 1, 0),    // east
                                   Neighbour(h, -1, 0),   // west
                                   Neighbour(h, 1, 1),    // north-east
                                   Neighbour(h, -1, 1),   // north-west
                                   Neighbour(h, 1, -1),   // south-east
                                   Neighbour(h, -1, -1)};  // south-west
  };
  std::array<HashBits, 9> n = cells(centre);
  // The step may be too coarse near a cell edge: then one step coarser.
  Area north, south_a, east, west;
  Decode(kLonRange, kLatRange, n[1], &north);
  Decode(kLonRange, kLatRange, n[2], &south_a);
  Decode(kLonRange, kLatRange, n[3], &east);
  Decode(kLonRange, kLatRange, n[4], &west);
  bool decrease = north.lat.max < max_lat || south_a.lat.min > min_lat ||
                  east.lon.max < max_lon || west.lon.min > min_lon;
  if (step > 1 && decrease) {
    --step;
    Encode(kLonRange, kLatRange, lon, lat, step, &centre);
    n = cells(centre);
  }
  Area area;
  Decode(kLonRange, kLatRange, centre, &area);
  // Drop the neighbours the shape cannot reach.
  if (step >= 2) {
    auto zero = [&](std::initializer_list<int> idx) {
      for (int i : idx) n[static_cast<size_t>(i)] = HashBits{};
    };
    if (area.lat.min < min_lat) zero({2, 8, 7});
    if (area.lat.max > max_lat) zero({1, 5, 6});
    if (area.lon.min < min_lon) zero({4, 8, 6});
    if (area.lon.max > max_lon) zero({3, 7, 5});
  }
  return n;
}

void CellScoreRange(HashBits cell, uint64_t* min, uint64_t* max) {
  *min = cell.bits << (52 - cell.step * 2);
  *max = (cell.bits + 1) << (52 - cell.step * 2);
}

}  // namespace kv::geo
