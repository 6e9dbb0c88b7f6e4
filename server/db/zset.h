#pragma once
// Placeholder until the sorted-set structure lands (branch ds).
#include <cstddef>
namespace kv {
class ZSet {
 public:
  size_t MemoryUsage() const { return 0; }
};
}  // namespace kv
