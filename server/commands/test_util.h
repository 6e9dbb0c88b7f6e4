#pragma once

// Test fixture for command families: a real ServerState and Dispatcher, one client, and Run()
// returning the raw RESP bytes of the reply. Tests compare against Redis's exact replies.

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "server/commands/blocking.h"
#include "server/commands/command_registry.h"
#include "server/commands/dispatcher.h"
#include "server/commands/pubsub.h"
#include "server/commands/server_state.h"
#include "server/commands/transactions.h"
#include "server/config/config.h"

namespace kv::test {

class CommandTest : public ::testing::Test {
 protected:
  CommandTest() : state_(config_), dispatcher_(state_) {
    RegisterAllFamilies(state_.commands);
    InstallBlocking(state_);
    InstallTransactions(state_);
    InstallPubSub(state_);
    InstallScripting(state_);
  }

  // Runs one command as client `client_` and returns the reply bytes.
  std::string Run(std::initializer_list<std::string_view> argv) {
    return Run(std::vector<std::string_view>(argv));
  }
  std::string Run(const std::vector<std::string_view>& argv) { return RunAs(client_, argv); }
  // The same as another client (WATCH, pub/sub and blocking tests need two).
  std::string RunAs(ClientState& client, const std::vector<std::string_view>& argv) {
    std::string out;
    resp::ReplyBuilder rb(&out);
    rb.set_resp3(client.resp3);
    dispatcher_.Execute(client, argv, rb);
    return out;
  }

  static std::string Int(int64_t v) { return ":" + std::to_string(v) + "\r\n"; }
  static std::string Bulk(std::string_view s) {
    return "$" + std::to_string(s.size()) + "\r\n" + std::string(s) + "\r\n";
  }
  static std::string Err(std::string_view msg) { return "-" + std::string(msg) + "\r\n"; }
  static std::string Arr(std::initializer_list<std::string_view> bulks) {
    std::string out = "*" + std::to_string(bulks.size()) + "\r\n";
    for (auto b : bulks) out += Bulk(b);
    return out;
  }
  static constexpr std::string_view kOk = "+OK\r\n";
  static constexpr std::string_view kNil = "$-1\r\n";

  Config config_;
  ServerState state_;
  Dispatcher dispatcher_;
  ClientState client_;
};

}  // namespace kv::test
