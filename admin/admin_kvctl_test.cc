// Black-box test of the admin plane: an in-process AdminServer over FakeBackend on a free
// loopback port, driven by the real kvctl binary (KVCTL_PATH) as an operator would.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "admin/admin_server.h"
#include "admin/fake_backend.h"
#include "admin/kvctl_runner.h"

namespace kv::admin {
namespace {

constexpr char kToken[] = "s3cret-token";
using Result = KvctlResult;

std::unique_ptr<AdminServer> StartServer(const AdminServerOptions& opts, FakeBackend& backend) {
  AdminError error;
  auto server = AdminServer::Start(opts, backend, &error);
  EXPECT_NE(server, nullptr) << error.message;
  return server;
}

class AdminKvctlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    backend_.ready = true;
    AdminServerOptions opts;
    opts.bind_address = "127.0.0.1";
    opts.port = 0;
    opts.token = kToken;
    server_ = StartServer(opts, backend_);
    ASSERT_NE(server_, nullptr);
  }

  // Global options every call shares; the command follows.
  Result Run(std::vector<std::string> args, bool json = false) {
    std::vector<std::string> full = {"--addr", server_->address(), "--token",
                                     kToken,   "--timeout",        "5"};
    if (json) full.push_back("--json");
    full.insert(full.end(), args.begin(), args.end());
    return Kvctl(full);
  }

  nlohmann::json RunJson(std::vector<std::string> args) {
    Result r = Run(std::move(args), true);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out);  // throws (fails the test) on anything but one document
  }

  FakeBackend backend_;
  std::unique_ptr<AdminServer> server_;
};

TEST_F(AdminKvctlTest, InfoHumanAndJson) {
  Result r = Run({"info"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("1.2 GiB"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("3.4k ops/s"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("3d 4h"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("f00dfeed"), std::string::npos) << r.out;

  nlohmann::json j = RunJson({"info"});
  EXPECT_EQ(j["node_id"], "f00dfeedf00dfeedf00dfeedf00dfeedf00dfeed");
  EXPECT_EQ(j["used_memory_bytes"], 1288490189);
  EXPECT_EQ(j["connected_clients"], 7);
  EXPECT_EQ(j["admin_address"], server_->address());
  EXPECT_EQ(j["keyspace"].size(), 2u);
  EXPECT_EQ(j["keyspace"][0]["keys"], 1200);
  EXPECT_EQ(j["ops_per_sec"], 3400.0);
}

TEST_F(AdminKvctlTest, StatsTopAndJson) {
  Result r = Run({"stats", "--top", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("COMMAND"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("90.0k"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("del"), std::string::npos) << "--top 2 keeps get and set only\n" << r.out;

  nlohmann::json j = RunJson({"stats", "--top", "1"});
  ASSERT_EQ(j["commands"].size(), 1u);
  EXPECT_EQ(j["commands"][0]["name"], "get");
  EXPECT_EQ(j["commands"][0]["calls"], 90000);
  EXPECT_EQ(j["keyspace"]["hits"], 60000);
  EXPECT_EQ(j["keyspace"]["evicted"], 4);
  EXPECT_EQ(j["total_commands_processed"], 140012);
  EXPECT_EQ(RunJson({"stats"})["commands"].size(), 3u);
}

TEST_F(AdminKvctlTest, PersistenceAndRewrite) {
  nlohmann::json p = RunJson({"persistence"});
  EXPECT_EQ(p["aof_enabled"], true);
  EXPECT_EQ(p["aof_current_size_bytes"], 5 * 1024 * 1024);
  EXPECT_EQ(p["appendfsync"], "everysec");
  EXPECT_EQ(Run({"persistence"}).out.find("5.0 MiB") != std::string::npos, true);

  nlohmann::json w = RunJson({"rewrite-aof", "--wait"});
  EXPECT_EQ(w["started"], true);
  EXPECT_EQ(w["waited"], true);
  EXPECT_EQ(w["persistence"]["aof_rewrites"], 1);
  EXPECT_TRUE(backend_.last_rewrite_waited);
  ASSERT_EQ(Run({"rewrite-aof"}).exit_code, 0);
  EXPECT_FALSE(backend_.last_rewrite_waited);
  EXPECT_EQ(backend_.rewrites_started, 2);

  backend_.aof_enabled = false;
  Result r = Run({"rewrite-aof"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find(server_->address() + ": FAILED_PRECONDITION: appendonly is off"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line: " << r.err;
}

TEST_F(AdminKvctlTest, ConfigGetAndSet) {
  nlohmann::json all = RunJson({"config", "get", "max*"});
  EXPECT_EQ(all, (nlohmann::json{{"maxmemory", "0"}, {"maxmemory-policy", "noeviction"}}));

  nlohmann::json set = RunJson({"config", "set", "maxmemory", "100mb"});
  EXPECT_EQ(set["name"], "maxmemory");
  EXPECT_EQ(set["value"], "100mb");
  Result r = Run({"config", "get", "maxmemory"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("100mb"), std::string::npos) << r.out;

  Result bad = Run({"config", "set", "no-such-key", "1"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("INVALID_ARGUMENT"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("no-such-key"), std::string::npos) << bad.err;
}

TEST_F(AdminKvctlTest, TokenRequired) {
  const std::vector<std::string> base = {"--addr", server_->address(), "--timeout", "5"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> a = base;
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  };
  Result none = Kvctl(with({"info"}));
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_NE(none.err.find("UNAUTHENTICATED: missing admin token"), std::string::npos) << none.err;
  EXPECT_NE(none.err.find(server_->address()), std::string::npos) << none.err;

  Result wrong = Kvctl(with({"--token", "s3cret-tokeN", "config", "set", "maxmemory", "1"}));
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_NE(wrong.err.find("UNAUTHENTICATED: invalid admin token"), std::string::npos) << wrong.err;
  EXPECT_EQ(RunJson({"config", "get", "maxmemory"})["maxmemory"], "0") << "refused set applied";

  Result shutdown = Kvctl(with({"shutdown"}));
  EXPECT_EQ(shutdown.exit_code, 1);
  EXPECT_FALSE(backend_.shutdown_requested);

  Result env = Kvctl(with({"info"}), std::string("KVCTL_TOKEN=") + kToken);
  EXPECT_EQ(env.exit_code, 0) << env.err;
}

TEST_F(AdminKvctlTest, HealthFollowsSetServingWithoutToken) {
  server_->SetServing(false);
  Result down = Kvctl({"--addr", server_->address(), "health"});
  EXPECT_EQ(down.exit_code, 1);
  EXPECT_EQ(down.out, "NOT_SERVING\n");

  server_->SetServing(true);
  Result up = Kvctl({"--addr", server_->address(), "--json", "health"});
  EXPECT_EQ(up.exit_code, 0) << up.err;
  EXPECT_EQ(nlohmann::json::parse(up.out)["status"], "SERVING");
}

TEST_F(AdminKvctlTest, Shutdown) {
  Result r = Run({"shutdown", "--reason", "maintenance window"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(backend_.shutdown_requested);
  EXPECT_EQ(backend_.shutdown_reason(), "maintenance window");
}

TEST_F(AdminKvctlTest, ClusterCommandsOnAStandaloneNode) {
  for (std::vector<std::string> cmd :
       std::vector<std::vector<std::string>>{{"status"},
                                             {"nodes"},
                                             {"ring"},
                                             {"where", "k"},
                                             {"add-node", "127.0.0.1:1"},
                                             {"info", "--all"},
                                             {"stats", "--node", "abc"}}) {
    Result r = Run(cmd);
    EXPECT_EQ(r.exit_code, 1) << cmd[0];
    EXPECT_EQ(r.err,
              "kvctl: " + server_->address() + ": FAILED_PRECONDITION: cluster mode is off\n")
        << cmd[0];
  }
}

TEST(AdminServerTest, HealthStartsNotServingUntilReady) {
  FakeBackend backend;  // ready = false: AOF still loading
  AdminServerOptions opts;
  opts.port = 0;
  auto server = StartServer(opts, backend);
  ASSERT_NE(server, nullptr);
  Result r = Kvctl({"--addr", server->address(), "health"});
  EXPECT_EQ(r.out, "NOT_SERVING\n");
  server->SetServing(true);
  EXPECT_EQ(Kvctl({"--addr", server->address(), "health"}).exit_code, 0);
}

// gRPC's default health service says SERVING from the moment the server starts: no probe may see
// that before Start has asked the backend. The backend's first IsReady() (inside Start, after the
// port is listening) takes 500 ms while kvctl probes the port; the first answer must be the real
// status, NOT_SERVING.
TEST(AdminServerTest, NoProbeSeesServingBeforeStartAskedTheBackend) {
  const std::string port = std::to_string(ClosedAdminPort());
  ASSERT_NE(port, "0");
  FakeBackend backend;  // ready = false: AOF still loading
  backend.first_is_ready_delay_ms = 500;
  std::atomic<bool> stop{false};
  Result first;  // the first answer a probe got (exit 3 = nothing listening yet)
  std::thread prober([&] {
    for (int i = 0; i < 500 && !stop; ++i) {
      Result r = Kvctl({"--addr", "127.0.0.1:" + port, "--timeout", "5", "health"});
      if (r.exit_code != 3) {
        first = r;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  });
  AdminServerOptions opts;
  opts.port = std::stoi(port);
  auto server = StartServer(opts, backend);
  if (server == nullptr) stop = true;
  prober.join();
  ASSERT_NE(server, nullptr);
  EXPECT_EQ(first.out, "NOT_SERVING\n") << first.err;
  EXPECT_EQ(first.exit_code, 1);
}

TEST(AdminServerTest, NoTokenDefaultsToLoopbackAndAllowsCalls) {
  FakeBackend backend;
  AdminServerOptions opts;
  opts.port = 0;
  auto server = StartServer(opts, backend);
  ASSERT_NE(server, nullptr);
  EXPECT_EQ(server->address().rfind("127.0.0.1:", 0), 0u) << server->address();
  EXPECT_EQ(Kvctl({"--addr", server->address(), "info"}).exit_code, 0);
}

TEST(AdminServerTest, BadTlsFilesFailToStart) {
  FakeBackend backend;
  AdminServerOptions opts;
  opts.port = 0;
  opts.tls_cert_file = "/nonexistent/cert.pem";
  opts.tls_key_file = "/nonexistent/key.pem";
  AdminError error;
  EXPECT_EQ(AdminServer::Start(opts, backend, &error), nullptr);
  EXPECT_EQ(error.code, AdminCode::kInvalidArgument);
  EXPECT_NE(error.message.find("/nonexistent/"), std::string::npos) << error.message;
}

TEST(AdminServerTest, PortInUseIsUnavailableNotShared) {
  FakeBackend backend;
  AdminServerOptions opts;
  opts.port = 0;
  auto first = StartServer(opts, backend);
  ASSERT_NE(first, nullptr);
  opts.port = first->port();
  AdminError error;
  EXPECT_EQ(AdminServer::Start(opts, backend, &error), nullptr) << "SO_REUSEPORT must be off";
  EXPECT_EQ(error.code, AdminCode::kUnavailable);
}

TEST(KvctlTest, UnreachableIsExit3AndUsageIsExit2) {
  const int port = ClosedAdminPort();
  ASSERT_NE(port, 0);
  const std::string addr = "127.0.0.1:" + std::to_string(port);
  Result r = Kvctl({"--addr", addr, "--timeout", "2", "info"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find(addr + ": UNAVAILABLE"), std::string::npos) << r.err;

  EXPECT_EQ(Kvctl({"no-such-command"}).exit_code, 2);
  EXPECT_EQ(Kvctl({"config", "set", "only-key"}).exit_code, 2);
  EXPECT_EQ(Kvctl({"stats", "--top", "-1"}).exit_code, 2);
  Result help = Kvctl({"config", "set", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("KEY"), std::string::npos) << help.out;
}

}  // namespace
}  // namespace kv::admin
