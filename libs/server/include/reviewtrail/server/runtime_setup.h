#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "reviewtrail/auth/local_keys.h"
#include "reviewtrail/auth/token_verifier.h"
#include "reviewtrail/eventlog/event_log.h"
#include "reviewtrail/server/server_config.h"

namespace reviewtrail::server {

// The event log chosen by --log: the embedded log in <data-dir>/log, or the Kafka topic.
[[nodiscard]] absl::StatusOr<std::unique_ptr<eventlog::EventLog>> OpenEventLog(
    const ServerConfig& config);

// How many threads a catch-up from the log (a read-model rebuild) may fold with: the hardware
// threads over the embedded log; 1 over Kafka, whose log reads through one shared consumer that
// workers on different partitions would take turns re-assigning.
[[nodiscard]] size_t CatchUpWorkers(const ServerConfig& config);

// The token verifier: the local key of <data-dir>/keys (created on first use) plus every
// configured JWKS document, PEM public key and HS256 secret.
struct Authentication {
  auth::LocalKey local_key;
  std::unique_ptr<auth::TokenVerifier> verifier;
};
[[nodiscard]] absl::StatusOr<Authentication> SetUpAuthentication(const ServerConfig& config);

// A token minted with the local key for `principal`, with the issuer (LocalTokenIssuer) and
// audience the configured verifier requires.
[[nodiscard]] absl::StatusOr<std::string> MintLocalToken(const ServerConfig& config,
                                                         const auth::SigningKey& key,
                                                         const auth::Principal& principal,
                                                         std::chrono::seconds ttl);

// Makes sure <data-dir>/admin.token holds a one-year admin token (isms_manager and auditor of
// config.tenant, subject "admin") that `verifier` accepts: on first start, and again when the
// stored one is refused (expired, or minted before --token-issuer/--token-audience changed). The
// file has mode 0600. Returns the token.
[[nodiscard]] absl::StatusOr<std::string> EnsureAdminToken(const ServerConfig& config,
                                                           const auth::SigningKey& key,
                                                           const auth::TokenVerifier& verifier);

// A gRPC server on config.listen with `services`, the health service, server reflection, TLS or
// mTLS when configured, bounded message sizes, and rpc::AccessLogInterceptorFactory (trace
// context, the access log). `bound_port` receives the port (for ":0").
[[nodiscard]] absl::StatusOr<std::unique_ptr<grpc::Server>> StartGrpcServer(
    const ServerConfig& config, const std::vector<grpc::Service*>& services, int* bound_port);

// Debian's abseil is built without NDEBUG, so every absl::Mutex (gRPC takes several per call)
// records lock-order graphs to detect deadlocks. A serving process turns that off:
// ServiceHost::Create does; tests keep it.
void DisableMutexDeadlockDetection();

// Blocks SIGTERM and SIGINT; call first in main, before any thread starts, so every thread
// inherits the mask and the signals wait for WaitForTerminationSignal().
void BlockTerminationSignals();
// Waits for SIGTERM or SIGINT and returns its number.
[[nodiscard]] int WaitForTerminationSignal();

}  // namespace reviewtrail::server
