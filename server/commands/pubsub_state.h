#pragma once

// A client's pub/sub subscriptions. Lives in ClientState and is touched only on the client's I/O
// thread; the counts are atomic copies for CLIENT LIST / INFO on other threads.

#include <absl/container/flat_hash_set.h>

#include <atomic>
#include <string>

#include "server/db/key_hash.h"

namespace kv {

struct PubSubState {
  absl::flat_hash_set<std::string, KeyHash, KeyEq> channels;
  absl::flat_hash_set<std::string, KeyHash, KeyEq> patterns;
  std::atomic<int> num_channels{0};
  std::atomic<int> num_patterns{0};
  bool close_hook_set = false;  // the unsubscribe-all cleanup is in ClientState::on_close

  // Redis's "subscribed context": RESP2 clients may then only run (P)(UN)SUBSCRIBE, PING, QUIT.
  size_t count() const { return channels.size() + patterns.size(); }
  void UpdateCounts() {
    num_channels.store(static_cast<int>(channels.size()), std::memory_order_relaxed);
    num_patterns.store(static_cast<int>(patterns.size()), std::memory_order_relaxed);
  }
};

}  // namespace kv
