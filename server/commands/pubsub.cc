#include "server/commands/pubsub.h"

#include <algorithm>
#include <mutex>
#include <utility>

#include "server/commands/server_state.h"
#include "server/db/glob.h"
#include "server/resp/reply_builder.h"

namespace kv {
namespace {

constexpr std::string_view kOutputLimitKey = "client-output-buffer-limit-pubsub";

// One published message, shared by every delivery of it.
struct Message {
  std::string channel;
  std::string payload;
};

}  // namespace

PubSubRegistry::PubSubRegistry(Config& config) : output_limit_(config.GetInt(kOutputLimitKey)) {}

void PubSubRegistry::EnsureCloseHook(ClientState& client) {
  if (client.pubsub.close_hook_set) return;
  client.pubsub.close_hook_set = true;
  client.on_close.push_back([this, &client] { UnsubscribeAll(client); });
}

void PubSubRegistry::Add(Table& table, ClientState& client, std::string_view name) {
  std::unique_lock lock(mu_);
  table[name].push_back({client.id, client.channel});
}

void PubSubRegistry::Remove(Table& table, uint64_t client_id, std::string_view name) {
  std::unique_lock lock(mu_);
  auto it = table.find(name);
  if (it == table.end()) return;
  Subscribers& subs = it->second;
  subs.erase(std::remove_if(subs.begin(), subs.end(),
                            [&](const Subscriber& s) { return s.client_id == client_id; }),
             subs.end());
  if (subs.empty()) table.erase(it);
}

bool PubSubRegistry::Subscribe(ClientState& client, std::string_view channel) {
  if (!client.pubsub.channels.emplace(channel).second) return false;
  EnsureCloseHook(client);
  Add(channels_, client, channel);
  client.pubsub.UpdateCounts();
  return true;
}

bool PubSubRegistry::Unsubscribe(ClientState& client, std::string_view channel) {
  auto it = client.pubsub.channels.find(channel);
  if (it == client.pubsub.channels.end()) return false;
  Remove(channels_, client.id, channel);
  client.pubsub.channels.erase(it);
  client.pubsub.UpdateCounts();
  return true;
}

bool PubSubRegistry::PSubscribe(ClientState& client, std::string_view pattern) {
  if (!client.pubsub.patterns.emplace(pattern).second) return false;
  EnsureCloseHook(client);
  Add(patterns_, client, pattern);
  client.pubsub.UpdateCounts();
  return true;
}

bool PubSubRegistry::PUnsubscribe(ClientState& client, std::string_view pattern) {
  auto it = client.pubsub.patterns.find(pattern);
  if (it == client.pubsub.patterns.end()) return false;
  Remove(patterns_, client.id, pattern);
  client.pubsub.patterns.erase(it);
  client.pubsub.UpdateCounts();
  return true;
}

void PubSubRegistry::UnsubscribeAll(ClientState& client) {
  for (const auto& ch : client.pubsub.channels) Remove(channels_, client.id, ch);
  for (const auto& pat : client.pubsub.patterns) Remove(patterns_, client.id, pat);
  client.pubsub.channels.clear();
  client.pubsub.patterns.clear();
  client.pubsub.UpdateCounts();
}

size_t PubSubRegistry::Publish(std::string_view channel, std::string_view message) {
  // Targets are collected under the lock and posted after it: dropping the last reference to a
  // closed connection runs its close hooks, which take this lock exclusively.
  std::vector<std::shared_ptr<ClientChannel>> direct;
  std::vector<std::pair<std::shared_ptr<ClientChannel>, std::string>> by_pattern;
  size_t receivers = 0;
  {
    std::shared_lock lock(mu_);
    if (auto it = channels_.find(channel); it != channels_.end()) {
      receivers += it->second.size();
      direct.reserve(it->second.size());
      for (const Subscriber& s : it->second) {
        if (auto ch = s.channel.lock()) direct.push_back(std::move(ch));
      }
    }
    for (const auto& [pattern, subs] : patterns_) {
      if (!GlobMatch(pattern, channel)) continue;
      receivers += subs.size();
      for (const Subscriber& s : subs) {
        if (auto ch = s.channel.lock()) by_pattern.emplace_back(std::move(ch), pattern);
      }
    }
  }
  if (direct.empty() && by_pattern.empty()) return receivers;

  auto msg = std::make_shared<const Message>(Message{std::string(channel), std::string(message)});
  for (auto& ch : direct) {
    ch->Post([msg](ClientState& c, resp::ReplyBuilder& rb) {
      // Unsubscribed after the message was posted: Redis would not have delivered it.
      if (!c.pubsub.channels.contains(msg->channel)) return;
      rb.PushHeader(3);
      rb.Bulk("message");
      rb.Bulk(msg->channel);
      rb.Bulk(msg->payload);
    });
  }
  for (auto& [ch, pattern] : by_pattern) {
    ch->Post([msg, pattern = std::move(pattern)](ClientState& c, resp::ReplyBuilder& rb) {
      if (!c.pubsub.patterns.contains(pattern)) return;
      rb.PushHeader(4);
      rb.Bulk("pmessage");
      rb.Bulk(pattern);
      rb.Bulk(msg->channel);
      rb.Bulk(msg->payload);
    });
  }
  return receivers;
}

std::vector<std::string> PubSubRegistry::Channels(std::optional<std::string_view> pattern) const {
  std::vector<std::string> out;
  std::shared_lock lock(mu_);
  for (const auto& [name, subs] : channels_) {
    if (!pattern || GlobMatch(*pattern, name)) out.push_back(name);
  }
  return out;
}

size_t PubSubRegistry::NumSubscribers(std::string_view channel) const {
  std::shared_lock lock(mu_);
  auto it = channels_.find(channel);
  return it == channels_.end() ? 0 : it->second.size();
}

size_t PubSubRegistry::NumPatterns() const {
  std::shared_lock lock(mu_);
  return patterns_.size();
}

size_t PubSubRegistry::channel_count() const {
  std::shared_lock lock(mu_);
  return channels_.size();
}

void InstallPubSub(ServerState& server) {
  auto registry = std::make_shared<PubSubRegistry>(server.config);
  server.config.OnChange(kOutputLimitKey, [weak = std::weak_ptr(registry)](const std::string& v) {
    if (auto r = weak.lock()) r->set_output_limit(ParseMemory(v).value_or(0));
  });
  server.pubsub = std::move(registry);
}

}  // namespace kv
