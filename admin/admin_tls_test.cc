// TLS and mutual TLS on the admin port, with certificates made by `openssl` for this run.

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "admin/admin_server.h"
#include "admin/fake_backend.h"

namespace kv::admin {
namespace {

namespace fs = std::filesystem;

int Sh(const std::string& cmd) {
  const int status = std::system((cmd + " >/dev/null 2>&1").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// kvctl's exit code; stdout/stderr discarded (the plaintext test checks messages).
int Kvctl(const std::string& args) { return Sh(std::string(KVCTL_PATH) + " --timeout 5 " + args); }

class AdminTlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string tmpl = (fs::temp_directory_path() / "kvtls-XXXXXX").string();
    dir_ = new fs::path(mkdtemp(tmpl.data()));
    const std::string d = dir_->string();
    const std::string ec = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1";
    auto make_ca = [&](const std::string& name) {
      return Sh("openssl req -x509" + ec + " -keyout " + d + "/" + name + ".key -out " + d + "/" +
                name + ".pem -subj /CN=" + name);
    };
    // Leaf `name` signed by `ca`, with SANs for the loopback address the test dials.
    auto make_leaf = [&](const std::string& name, const std::string& ca) {
      return Sh("openssl req" + ec + " -keyout " + d + "/" + name + ".key -out " + d + "/" + name +
                ".csr -subj /CN=localhost") == 0 &&
             Sh("openssl x509 -req -days 1 -in " + d + "/" + name + ".csr -CA " + d + "/" + ca +
                ".pem -CAkey " + d + "/" + ca + ".key -CAcreateserial -extfile " + d +
                "/san.ext -out " + d + "/" + name + ".pem") == 0;
    };
    std::ofstream(*dir_ / "san.ext") << "subjectAltName=IP:127.0.0.1,DNS:localhost\n";
    ok_ = make_ca("ca") == 0 && make_ca("other-ca") == 0 && make_leaf("server", "ca") &&
          make_leaf("client", "ca") && make_leaf("rogue-client", "other-ca");
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
  }

  void SetUp() override { ASSERT_TRUE(ok_) << "openssl could not make test certificates"; }

  static std::string F(const std::string& name) { return (*dir_ / name).string(); }

  std::unique_ptr<AdminServer> Start(bool mutual) {
    AdminServerOptions opts;
    opts.port = 0;
    opts.bind_address = "127.0.0.1";
    opts.tls_cert_file = F("server.pem");
    opts.tls_key_file = F("server.key");
    if (mutual) opts.tls_client_ca_file = F("ca.pem");
    AdminError error;
    auto server = AdminServer::Start(opts, backend_, &error);
    EXPECT_NE(server, nullptr) << error.message;
    return server;
  }

  FakeBackend backend_;
  static inline fs::path* dir_ = nullptr;
  static inline bool ok_ = false;
};

TEST_F(AdminTlsTest, ServerTls) {
  auto server = Start(/*mutual=*/false);
  ASSERT_NE(server, nullptr);
  const std::string addr = " --addr " + server->address();
  EXPECT_EQ(Kvctl(addr + " --tls-ca " + F("ca.pem") + " info"), 0);
  // Plaintext client against a TLS port, and a client trusting a different CA: no connection.
  EXPECT_EQ(Kvctl(addr + " info"), 3);
  EXPECT_EQ(Kvctl(addr + " --tls-ca " + F("other-ca.pem") + " info"), 3);
}

TEST_F(AdminTlsTest, HandshakeFailureIsOneLineNamingTheAddress) {
  // A TLS client against a plaintext port: gRPC core would log the failed handshake itself.
  AdminServerOptions opts;
  opts.port = 0;
  AdminError error;
  auto server = AdminServer::Start(opts, backend_, &error);
  ASSERT_NE(server, nullptr) << error.message;
  const std::string err_file = F("stderr.txt");
  // Not through Sh(), which sends stderr to /dev/null.
  const int status =
      std::system((std::string(KVCTL_PATH) + " --timeout 5 --addr " + server->address() +
                   " --tls-ca " + F("ca.pem") + " info >/dev/null 2>" + err_file)
                      .c_str());
  EXPECT_EQ(WEXITSTATUS(status), 3);
  std::ifstream in(err_file);
  std::string first, second;
  std::getline(in, first);
  EXPECT_FALSE(std::getline(in, second)) << "more than one line: " << second;
  EXPECT_EQ(first.rfind("kvctl: " + server->address() + ": UNAVAILABLE: ", 0), 0u) << first;
}

TEST_F(AdminTlsTest, MutualTls) {
  auto server = Start(/*mutual=*/true);
  ASSERT_NE(server, nullptr);
  const std::string base = " --addr " + server->address() + " --tls-ca " + F("ca.pem");
  EXPECT_EQ(
      Kvctl(base + " --tls-cert " + F("client.pem") + " --tls-key " + F("client.key") + " info"),
      0);
  EXPECT_EQ(Kvctl(base + " info"), 3) << "no client certificate";
  EXPECT_EQ(Kvctl(base + " --tls-cert " + F("rogue-client.pem") + " --tls-key " +
                  F("rogue-client.key") + " info"),
            3)
      << "client certificate from an untrusted CA";
}

}  // namespace
}  // namespace kv::admin
