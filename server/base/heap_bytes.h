#pragma once

// What a string's buffer really takes from the allocator. Large allocations are rounded up to a
// size class (jemalloc: four classes per doubling, so up to 25% over the request), and memory
// accounting that trusts capacity() misses that much of every big buffer.

#include <malloc.h>

#include <cstddef>
#include <string>

namespace kv {

inline size_t HeapBytes(const std::string& s) {
  // Short strings live inside the object (libstdc++'s small-string buffer: 15 bytes).
  if (s.capacity() <= 15) return 0;
  return malloc_usable_size(const_cast<char*>(s.data()));
}

}  // namespace kv
