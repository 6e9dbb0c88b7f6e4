// admin_fake_node: an AdminServer over FakeBackend, for tests in other languages and for trying
// kvctl without a node. Prints "port N" once listening and serves until stdin closes.
//
//   admin_fake_node [--token T] [--not-ready]

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <iostream>
#include <string>

#include "admin/admin_server.h"
#include "admin/fake_backend.h"

int main(int argc, char** argv) {
  // stdout carries the "port N" handshake; logs go to stderr.
  spdlog::set_default_logger(spdlog::stderr_color_mt("admin"));
  kv::admin::AdminServerOptions options;
  options.bind_address = "127.0.0.1";
  options.port = 0;
  kv::admin::FakeBackend backend;
  backend.ready = true;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--token" && i + 1 < argc) {
      options.token = argv[++i];
    } else if (arg == "--not-ready") {
      backend.ready = false;
    } else {
      std::cerr << "usage: admin_fake_node [--token T] [--not-ready]\n";
      return 2;
    }
  }
  kv::admin::AdminError error;
  auto server = kv::admin::AdminServer::Start(options, backend, &error);
  if (!server) {
    std::cerr << "admin_fake_node: " << error.message << "\n";
    return 1;
  }
  std::cout << "port " << server->port() << std::endl;
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line == "serving") server->SetServing(true);
    if (line == "not-serving") server->SetServing(false);
  }
  return 0;
}
