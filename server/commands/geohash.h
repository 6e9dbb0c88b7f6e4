#pragma once

// Redis's geohash (geohash.c, geohash_helper.c): a position is a 52-bit interleaving of 26 bits
// of latitude (range -85.05112878..85.05112878, Web Mercator's limit) and 26 of longitude, stored
// as a sorted set score. Searches scan the score ranges of the box around the centre and its 8
// neighbours at a step chosen from the radius, then filter by exact distance (haversine on
// Redis's Earth radius). Same arithmetic as Redis, so the same members come back in the same
// order with the same rounding.

#include <array>
#include <cstdint>
#include <string>

namespace kv::geo {

inline constexpr double kLonMin = -180, kLonMax = 180;
inline constexpr double kLatMin = -85.05112878, kLatMax = 85.05112878;
inline constexpr int kMaxStep = 26;  // 52 bits

struct HashBits {
  uint64_t bits = 0;
  int step = 0;
  bool zero() const { return bits == 0 && step == 0; }
};

struct LonLat {
  double lon = 0, lat = 0;
};

// The score of a position (caller checks the ranges).
uint64_t EncodeScore(double lon, double lat);
// The centre of the cell of a score; false when it does not decode (Redis's decodeGeohash).
bool DecodeScore(double score, LonLat* out);
// GEOHASH's 11-character base32 string of a score (re-encoded on the standard ±90 latitudes).
std::string GeohashString(double score);

// Haversine distance in metres (Redis's geohashGetDistance).
double Distance(double lon1, double lat1, double lon2, double lat2);

// A search area: a circle (radius) or an axis-aligned box (width × height), centred on `centre`,
// in the user's unit; `to_meters` converts that unit.
struct Shape {
  LonLat centre;
  bool is_box = false;
  double radius = 0;
  double width = 0, height = 0;
  double to_meters = 1;
};

// Whether the point with `score` lies in `shape`; then *pos is its position and *dist_m its
// distance from the centre in metres.
bool WithinShape(const Shape& shape, double score, LonLat* pos, double* dist_m);

// The 9 cells to scan for `shape` in Redis's order (centre, N, S, E, W, NE, NW, SE, SW), with
// useless ones zeroed, and the [min, max) score range of a cell.
std::array<HashBits, 9> SearchCells(const Shape& shape);
void CellScoreRange(HashBits cell, uint64_t* min, uint64_t* max);

}  // namespace kv::geo
