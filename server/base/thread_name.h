#pragma once

// Names the calling thread as top, ps -L and perf show it ("kv-io-0", "kv-aof-writer"), so an
// operator can tell which of a node's threads is busy. Linux keeps at most 15 characters.

#include <pthread.h>

#include <string>

namespace kv {

inline void SetThreadName(const std::string& name) {
  pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
}

}  // namespace kv
