#pragma once

// Channel and pattern subscriptions for SUBSCRIBE / PSUBSCRIBE / PUBLISH. Thread-safe: a
// publisher on one I/O thread delivers to subscribers on any thread through ClientChannel::Post,
// so the message is written by the subscriber's own thread into its own output buffer. A slow
// subscriber therefore never blocks a publisher; its connection enforces the output limit
// (client-output-buffer-limit-pubsub) and closes it when it falls too far behind.

#include <absl/container/flat_hash_map.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "server/commands/client_state.h"
#include "server/config/config.h"
#include "server/db/key_hash.h"

namespace kv {

struct ServerState;

class PubSubRegistry {
 public:
  explicit PubSubRegistry(Config& config);

  // These four run on the client's thread and update both the registry and client.pubsub.
  // They return false when nothing changed (already subscribed / not subscribed).
  bool Subscribe(ClientState& client, std::string_view channel);
  bool Unsubscribe(ClientState& client, std::string_view channel);
  bool PSubscribe(ClientState& client, std::string_view pattern);
  bool PUnsubscribe(ClientState& client, std::string_view pattern);
  // Drops every subscription of `client` (disconnect).
  void UnsubscribeAll(ClientState& client);

  // Posts `message` to every subscriber of `channel` and of every pattern matching it; returns
  // the number of deliveries (Redis's PUBLISH reply). Any thread.
  size_t Publish(std::string_view channel, std::string_view message);

  // PUBSUB CHANNELS / NUMSUB / NUMPAT.
  std::vector<std::string> Channels(std::optional<std::string_view> pattern) const;
  size_t NumSubscribers(std::string_view channel) const;
  size_t NumPatterns() const;

  // For INFO: number of channels and patterns with at least one subscriber.
  size_t channel_count() const;

  // client-output-buffer-limit-pubsub in bytes (0: no limit), cached for the connections.
  int64_t output_limit() const { return output_limit_.load(std::memory_order_relaxed); }
  void set_output_limit(int64_t bytes) { output_limit_.store(bytes, std::memory_order_relaxed); }

 private:
  struct Subscriber {
    uint64_t client_id;
    std::weak_ptr<ClientChannel> channel;
  };
  using Subscribers = std::vector<Subscriber>;
  using Table = absl::flat_hash_map<std::string, Subscribers, KeyHash, KeyEq>;

  void Add(Table& table, ClientState& client, std::string_view name);
  void Remove(Table& table, uint64_t client_id, std::string_view name);
  void EnsureCloseHook(ClientState& client);

  mutable std::shared_mutex mu_;
  Table channels_;
  Table patterns_;
  std::atomic<int64_t> output_limit_;
};

// Creates the registry, stores it in `server.pubsub` and follows the output-limit config key.
// Call once where the ServerState is built, before clients connect.
void InstallPubSub(ServerState& server);

}  // namespace kv
