#include "reviewtrail/server/runtime_setup.h"

#include <grpcpp/health_check_service_interface.h>
#include <sys/stat.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "reviewtrail/auth/jwks.h"
#include "reviewtrail/eventlog/embedded_log.h"
#include "reviewtrail/eventlog/kafka_log.h"
#include "reviewtrail/rpc/access_log.h"
#include "reviewtrail/server/reflection.h"

namespace reviewtrail::server {
namespace {

constexpr int kMaxMessageBytes = 4 * 1024 * 1024;

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError("cannot read " + path);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

}  // namespace

absl::StatusOr<std::unique_ptr<eventlog::EventLog>> OpenEventLog(const ServerConfig& config) {
  if (config.log == "kafka") {
    auto log = eventlog::KafkaLog::Open(config.kafka);
    if (!log.ok()) return log.status();
    return std::unique_ptr<eventlog::EventLog>(std::move(*log));
  }
  auto log = eventlog::EmbeddedLog::Open(
      {.path = (std::filesystem::path(config.data_dir) / "log").string(),
       .partition_count = config.partitions});
  if (!log.ok()) return log.status();
  return std::unique_ptr<eventlog::EventLog>(std::move(*log));
}

size_t CatchUpWorkers(const ServerConfig& config) {
  return config.log == "kafka" ? 1 : std::max(1u, std::thread::hardware_concurrency());
}

absl::StatusOr<Authentication> SetUpAuthentication(const ServerConfig& config) {
  Authentication result;
  auto local = auth::LoadOrCreateLocalKey(std::filesystem::path(config.data_dir) / "keys");
  if (!local.ok()) return local.status();
  result.local_key = *std::move(local);

  auth::VerifierConfig verifier;
  verifier.issuer = config.token_issuer;
  verifier.audience = config.token_audience;
  verifier.keys.push_back(auth::ToVerificationKey(result.local_key.key));
  for (const std::string& path : config.jwks_files) {
    auto document = ReadFile(path);
    if (!document.ok()) return document.status();
    auto keys = auth::KeysFromJwks(*document);
    if (!keys.ok()) return absl::InvalidArgumentError(path + ": " + keys.status().ToString());
    verifier.keys.insert(verifier.keys.end(), keys->begin(), keys->end());
  }
  for (const std::string& entry : config.public_key_files) {
    const size_t colon = entry.find(':');
    const std::string algorithm = entry.substr(0, colon);
    if (colon == std::string::npos || (algorithm != "RS256" && algorithm != "ES256")) {
      return absl::InvalidArgumentError("--public-key-file '" + entry +
                                        "' must be RS256:PATH or ES256:PATH");
    }
    auto pem = ReadFile(entry.substr(colon + 1));
    if (!pem.ok()) return pem.status();
    verifier.keys.push_back(auth::VerificationKey{
        .kid = "",
        .algorithm = algorithm == "RS256" ? auth::Algorithm::kRS256 : auth::Algorithm::kES256,
        .material = *pem});
  }
  if (!config.hs256_secret_file.empty()) {
    auto secret = ReadFile(config.hs256_secret_file);
    if (!secret.ok()) return secret.status();
    while (!secret->empty() && (secret->back() == '\n' || secret->back() == '\r'))
      secret->pop_back();
    verifier.allow_hs256 = true;
    verifier.keys.push_back(auth::VerificationKey{
        .kid = "", .algorithm = auth::Algorithm::kHS256, .material = *secret});
  }
  auto created = auth::TokenVerifier::Create(std::move(verifier));
  if (!created.ok()) return created.status();
  result.verifier = std::make_unique<auth::TokenVerifier>(*std::move(created));
  return result;
}

absl::StatusOr<std::string> MintLocalToken(const ServerConfig& config, const auth::SigningKey& key,
                                           const auth::Principal& principal,
                                           std::chrono::seconds ttl) {
  return auth::MintToken(key, principal, std::chrono::system_clock::now(), ttl,
                         LocalTokenIssuer(config), config.token_audience);
}

absl::StatusOr<std::string> EnsureAdminToken(const ServerConfig& config,
                                             const auth::SigningKey& key,
                                             const auth::TokenVerifier& verifier) {
  const std::filesystem::path path = std::filesystem::path(config.data_dir) / "admin.token";
  if (std::filesystem::exists(path)) {
    auto token = ReadFile(path.string());
    if (!token.ok()) return token.status();
    while (!token->empty() && token->back() == '\n') token->pop_back();
    // Kept while accepted, with a day to spare; else minted anew below.
    if (verifier.Verify(*token, std::chrono::system_clock::now() + std::chrono::hours(24)).ok()) {
      return *token;
    }
  }
  auto token = MintLocalToken(
      config, key,
      auth::Principal{config.tenant, "admin", {v1::ROLE_ISMS_MANAGER, v1::ROLE_AUDITOR}},
      std::chrono::hours(24 * 365));
  if (!token.ok()) return token.status();
  const std::string temporary = path.string() + ".tmp";
  {
    const mode_t old_mask = ::umask(077);
    std::ofstream out(temporary, std::ios::trunc);
    ::umask(old_mask);
    out << *token << "\n";
    if (!out) return absl::InternalError("cannot write " + temporary);
  }
  std::filesystem::permissions(
      temporary, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  std::filesystem::rename(temporary, path);
  return *token;
}

absl::StatusOr<std::unique_ptr<grpc::Server>> StartGrpcServer(
    const ServerConfig& config, const std::vector<grpc::Service*>& services, int* bound_port) {
  grpc::EnableDefaultHealthCheckService(true);
  EnableServerReflection();
  std::shared_ptr<grpc::ServerCredentials> credentials = grpc::InsecureServerCredentials();
  if (!config.tls_cert.empty() || !config.tls_key.empty()) {
    auto cert = ReadFile(config.tls_cert);
    auto key = ReadFile(config.tls_key);
    if (!cert.ok()) return cert.status();
    if (!key.ok()) return key.status();
    grpc::SslServerCredentialsOptions options(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
    options.pem_key_cert_pairs.push_back({*key, *cert});
    if (!config.tls_client_ca.empty()) {
      auto ca = ReadFile(config.tls_client_ca);
      if (!ca.ok()) return ca.status();
      options.pem_root_certs = *ca;
      options.client_certificate_request =
          GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
    }
    credentials = grpc::SslServerCredentials(options);
  }
  grpc::ServerBuilder builder;
  builder.AddListeningPort(config.listen, credentials, bound_port);
  builder.SetMaxReceiveMessageSize(kMaxMessageBytes);
  builder.SetMaxSendMessageSize(kMaxMessageBytes);
  for (grpc::Service* service : services) builder.RegisterService(service);
  // Trace context and the access log of every call.
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(std::make_unique<rpc::AccessLogInterceptorFactory>());
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || *bound_port == 0) {
    return absl::UnavailableError("cannot listen on " + config.listen);
  }
  return server;
}

void DisableMutexDeadlockDetection() {
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
}

void BlockTerminationSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
}

int WaitForTerminationSignal() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  int received = 0;
  sigwait(&signals, &received);
  return received;
}

}  // namespace reviewtrail::server
