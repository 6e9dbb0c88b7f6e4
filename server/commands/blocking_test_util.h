#pragma once

// Blocking-command tests run through the dispatcher with fake channels standing in for
// connections: what a write posts to a waiter is run by hand, as its I/O thread would, and
// timers fire when the test says so.

#include <chrono>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/commands/test_util.h"

namespace kv::test {

using PostFn = std::function<void(ClientState&, resp::ReplyBuilder&)>;

class FakeChannel : public ClientChannel {
 public:
  void Post(PostFn fn) override { posted.push_back(std::move(fn)); }
  void PostAfter(std::chrono::milliseconds delay, PostFn fn) override {
    timers.emplace_back(delay, std::move(fn));
  }
  void Close() override {}

  std::vector<PostFn> posted;
  std::vector<std::pair<std::chrono::milliseconds, PostFn>> timers;
};

// A second client with its own channel and its own id (as the ClientRegistry would assign).
struct Waiter {
  Waiter() {
    static uint64_t next_id = 1000;
    channel = std::make_shared<FakeChannel>();
    client.channel = channel;
    client.id = next_id++;
  }
  // Runs what was posted to this client and returns the bytes it wrote.
  std::string RunPosted() {
    std::string out;
    resp::ReplyBuilder rb(&out);
    rb.set_resp3(client.resp3);
    auto fns = std::move(channel->posted);
    channel->posted.clear();
    for (auto& fn : fns) fn(client, rb);
    return out;
  }
  std::string FireTimer(size_t i = 0) {
    std::string out;
    resp::ReplyBuilder rb(&out);
    rb.set_resp3(client.resp3);
    channel->timers.at(i).second(client, rb);
    return out;
  }
  std::shared_ptr<FakeChannel> channel;
  ClientState client;
};

class BlockingTest : public CommandTest {
 protected:
  using CommandTest::RunAs;
  std::string RunAs(Waiter& w, std::initializer_list<std::string_view> argv) {
    std::string out;
    resp::ReplyBuilder rb(&out);
    rb.set_resp3(w.client.resp3);
    dispatcher_.Execute(w.client, std::vector<std::string_view>(argv), rb);
    return out;
  }
  // A key name in the same shard as `key` (same = true) or in another one.
  std::string KeyInShard(std::string_view key, bool same) {
    Keyspace& ks = state_.keyspace;
    for (int i = 0;; ++i) {
      std::string k = "k" + std::to_string(i);
      if (k != key && (ks.ShardIndex(k) == ks.ShardIndex(key)) == same) return k;
    }
  }
};

}  // namespace kv::test
