#pragma once

#include <chrono>
#include <cstdint>

namespace kv {

// Wall-clock milliseconds since the Unix epoch: key deadlines are absolute wall-clock times so that
// an AOF replayed days later expires keys at the same moment Redis would.
inline int64_t UnixMillis() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

inline int64_t UnixMicros() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

// Monotonic microseconds, for measuring durations.
inline int64_t MonotonicMicros() {
  using namespace std::chrono;
  return duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count();
}

}  // namespace kv
