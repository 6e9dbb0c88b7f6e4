#include "server/db/access.h"

namespace kv {

uint32_t AccessTracker::NewStamp() const {
  if (mode() == AccessMode::kLfu) return (uint32_t{Minutes()} << 8) | kLfuInitVal;
  return LruClock();
}

uint32_t AccessTracker::Touched(uint32_t stamp, uint64_t random) const {
  if (mode() != AccessMode::kLfu) return LruClock();
  // Redis's updateLFU: decay first, then LFULogIncr, which increments with probability
  // 1 / ((counter - LFU_INIT_VAL) * lfu-log-factor + 1).
  uint32_t counter = LfuCounter(stamp);
  if (counter < 255) {
    double base = counter > kLfuInitVal ? counter - kLfuInitVal : 0;
    double p = 1.0 / (base * lfu_log_factor_.load(std::memory_order_relaxed) + 1);
    double r = static_cast<double>(random >> 11) * 0x1.0p-53;  // uniform in [0, 1)
    if (r < p) ++counter;
  }
  return (uint32_t{Minutes()} << 8) | counter;
}

uint64_t AccessTracker::IdleMs(uint32_t stamp) const {
  // Unsigned subtraction handles the clock's wrap (an access more than 198 days ago reads as
  // recent, as Redis's estimateObjectIdleTime does after 194 days).
  return uint64_t{static_cast<uint32_t>(LruClock() - stamp)} * 4;
}

uint8_t AccessTracker::LfuCounter(uint32_t stamp) const {
  uint32_t counter = stamp & 0xff;
  const uint16_t last = static_cast<uint16_t>(stamp >> 8);
  const int decay = lfu_decay_time_.load(std::memory_order_relaxed);
  if (decay <= 0) return static_cast<uint8_t>(counter);
  // Minutes wrap at 65536 as in Redis's LFUTimeElapsed.
  const uint32_t elapsed = static_cast<uint16_t>(Minutes() - last);
  const uint32_t periods = elapsed / static_cast<uint32_t>(decay);
  return static_cast<uint8_t>(periods >= counter ? 0 : counter - periods);
}

}  // namespace kv
