#include "ctl/client.h"

#include <fmt/format.h>
#include <grpc/support/log.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace kv::ctl {
namespace {

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buf;
  buf << in.rdbuf();
  *out = buf.str();
  return true;
}

}  // namespace

std::unique_ptr<AdminClient> AdminClient::Create(const ConnectOptions& options,
                                                 std::string* error) {
  // gRPC core logs handshake and connection failures to stderr itself; kvctl reports each failure
  // as one line of its own. GRPC_VERBOSITY set by the user brings the core logs back for debugging.
  if (std::getenv("GRPC_VERBOSITY") == nullptr) gpr_set_log_function([](gpr_log_func_args*) {});
  std::shared_ptr<grpc::ChannelCredentials> creds;
  grpc::ChannelArguments args;
  const bool tls = !options.tls_ca_file.empty() || !options.tls_cert_file.empty();
  if (tls) {
    grpc::SslCredentialsOptions ssl;
    // Without --tls-ca gRPC falls back to the system roots.
    if (!options.tls_ca_file.empty() && !ReadFile(options.tls_ca_file, &ssl.pem_root_certs)) {
      *error = "cannot read --tls-ca file " + options.tls_ca_file;
      return nullptr;
    }
    if (!options.tls_cert_file.empty() && !ReadFile(options.tls_cert_file, &ssl.pem_cert_chain)) {
      *error = "cannot read --tls-cert file " + options.tls_cert_file;
      return nullptr;
    }
    if (!options.tls_key_file.empty() && !ReadFile(options.tls_key_file, &ssl.pem_private_key)) {
      *error = "cannot read --tls-key file " + options.tls_key_file;
      return nullptr;
    }
    creds = grpc::SslCredentials(ssl);
    if (!options.tls_server_name.empty()) {
      args.SetSslTargetNameOverride(options.tls_server_name);
    }
  } else {
    creds = grpc::InsecureChannelCredentials();
  }
  std::unique_ptr<AdminClient> client(new AdminClient(options));
  client->channel_ = grpc::CreateCustomChannel(options.addr, creds, args);
  client->admin_ = kvcache::v1::Admin::NewStub(client->channel_);
  client->health_ = grpc::health::v1::Health::NewStub(client->channel_);
  return client;
}

bool AdminClient::Connects() const {
  const auto deadline = std::chrono::system_clock::now() +
                        std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::duration<double>(options_.timeout_seconds));
  grpc_connectivity_state state = channel_->GetState(/*try_to_connect=*/true);
  while (state != GRPC_CHANNEL_READY) {
    if (state == GRPC_CHANNEL_TRANSIENT_FAILURE || state == GRPC_CHANNEL_SHUTDOWN) return false;
    if (!channel_->WaitForStateChange(state, deadline)) return false;  // deadline passed
    state = channel_->GetState(/*try_to_connect=*/true);
  }
  return true;
}

std::vector<std::string> SplitSeeds(const std::string& addr) {
  std::vector<std::string> seeds;
  size_t start = 0;
  while (start <= addr.size()) {
    size_t end = addr.find(',', start);
    if (end == std::string::npos) end = addr.size();
    std::string seed = addr.substr(start, end - start);
    seed.erase(0, seed.find_first_not_of(" \t"));
    seed.erase(seed.find_last_not_of(" \t") + 1);
    if (!seed.empty()) seeds.push_back(std::move(seed));
    start = end + 1;
  }
  return seeds;
}

ConnectOptions WithAddr(const ConnectOptions& options, const std::string& addr) {
  ConnectOptions out = options;
  out.addr = addr;
  return out;
}

std::unique_ptr<AdminClient> ConnectSeed(const ConnectOptions& options, std::string* error) {
  const std::vector<std::string> seeds = SplitSeeds(options.addr);
  if (seeds.empty()) {
    *error = "--addr names no address";
    return nullptr;
  }
  for (size_t i = 0; i < seeds.size(); ++i) {
    auto client = AdminClient::Create(WithAddr(options, seeds[i]), error);
    if (!client) return nullptr;
    if (i + 1 == seeds.size() || client->Connects()) return client;
  }
  return nullptr;  // not reached: the last seed is always returned
}

void AdminClient::Prepare(grpc::ClientContext* ctx) const {
  const auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::duration<double>(options_.timeout_seconds));
  ctx->set_deadline(std::chrono::system_clock::now() + timeout);
  if (!options_.token.empty()) ctx->AddMetadata("authorization", "Bearer " + options_.token);
}

bool Unreachable(const grpc::Status& status) {
  return status.error_code() == grpc::StatusCode::UNAVAILABLE ||
         status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED;
}

int ExitCodeFor(const grpc::Status& status) {
  switch (status.error_code()) {
    case grpc::StatusCode::OK:
      return kExitOk;
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return kExitUnreachable;
    default:
      return kExitFailed;
  }
}

const char* StatusCodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    case grpc::StatusCode::UNKNOWN:
      return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED:
      return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS:
      return "DATA_LOSS";
    default:
      return "UNKNOWN_CODE";
  }
}

std::string ErrorLine(const std::string& addr, const grpc::Status& status) {
  std::string message = status.error_message();
  // gRPC's connection errors can span lines; the contract is one line.
  for (char& c : message) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return fmt::format("kvctl: {}: {}: {}", addr, StatusCodeName(status.error_code()), message);
}

}  // namespace kv::ctl
