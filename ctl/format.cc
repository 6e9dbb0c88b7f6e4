#include "ctl/format.h"

#include <fmt/format.h>

#include <array>
#include <cmath>

namespace kv::ctl {

std::string HumanBytes(int64_t bytes) {
  static constexpr std::array<const char*, 6> kUnits = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  const char* sign = bytes < 0 ? "-" : "";
  double v = std::fabs(static_cast<double>(bytes));
  if (v < 1024) return fmt::format("{}{} B", sign, static_cast<int64_t>(v));
  size_t unit = 0;
  // Round first so 1023.96 KiB prints as 1.0 MiB, not 1024.0 KiB.
  while (unit + 1 < kUnits.size() && std::round(v * 10) / 10 >= 1024) {
    v /= 1024;
    ++unit;
  }
  return fmt::format("{}{:.1f} {}", sign, v, kUnits[unit]);
}

std::string HumanCount(double n) {
  static constexpr std::array<const char*, 5> kSuffix = {"", "k", "M", "G", "T"};
  const char* sign = n < 0 ? "-" : "";
  double v = std::fabs(n);
  if (std::round(v) < 1000) {
    // Whole numbers stay whole; small fractional rates keep one decimal.
    if (v == std::floor(v) || v >= 100) return fmt::format("{}{:.0f}", sign, v);
    return fmt::format("{}{:.1f}", sign, v);
  }
  size_t unit = 0;
  while (unit + 1 < kSuffix.size() && std::round(v * 10) / 10 >= 1000) {
    v /= 1000;
    ++unit;
  }
  return fmt::format("{}{:.1f}{}", sign, v, kSuffix[unit]);
}

std::string HumanRate(double ops_per_sec) { return HumanCount(ops_per_sec) + " ops/s"; }

std::string HumanDuration(int64_t seconds) {
  if (seconds < 0) return "-";
  const int64_t d = seconds / 86400, h = seconds / 3600 % 24, m = seconds / 60 % 60,
                s = seconds % 60;
  if (d > 0) return fmt::format("{}d {}h", d, h);
  if (h > 0) return fmt::format("{}h {}m", h, m);
  if (m > 0) return fmt::format("{}m {}s", m, s);
  return fmt::format("{}s", s);
}

std::string HumanMicros(double usec) {
  if (usec < 1000) return fmt::format("{:.0f}us", usec);
  if (usec < 1000 * 1000) return fmt::format("{:.1f}ms", usec / 1000);
  return fmt::format("{:.1f}s", usec / 1e6);
}

std::string HumanPercent(double part, double whole) {
  if (whole <= 0) return "-";
  return fmt::format("{:.1f}%", 100.0 * part / whole);
}

}  // namespace kv::ctl
