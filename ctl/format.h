#pragma once

// Units for people: what kvctl prints in its tables. Pure functions, unit tested; --json output
// never goes through them (scripts get raw numbers).

#include <cstdint>
#include <string>

namespace kv::ctl {

// 512 B, 1.0 KiB, 1.2 GiB (binary units, one decimal from KiB on).
std::string HumanBytes(int64_t bytes);
// 999, 1.2k, 3.4M, 5.6G (decimal, one decimal above 1000).
std::string HumanCount(double n);
// 3.4k ops/s
std::string HumanRate(double ops_per_sec);
// 45s, 12m 3s, 5h 2m, 3d 4h
std::string HumanDuration(int64_t seconds);
// 850us, 1.2ms, 3.4s
std::string HumanMicros(double usec);
// 12.5% of part/whole, "-" when whole is 0.
std::string HumanPercent(double part, double whole);

}  // namespace kv::ctl
