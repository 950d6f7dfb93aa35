#pragma once

#include <prometheus/registry.h>

#include <chrono>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "reviewtrail/auth/token_verifier.h"
#include "reviewtrail/eventlog/event_log.h"
#include "reviewtrail/rpc/read_your_writes.h"
#include "reviewtrail/runtime/clock.h"
#include "reviewtrail/runtime/time_zones.h"
#include "reviewtrail/v1/audit_service.grpc.pb.h"

namespace reviewtrail::projection {
class ProjectionStore;
class Projector;
}  // namespace reviewtrail::projection

namespace reviewtrail::audit {
class AuditProjection;
class AuditView;
}  // namespace reviewtrail::audit

namespace reviewtrail::audit_service {

class AuditMetrics;
class BackgroundVerifier;

struct AuditServiceOptions {
  std::string store_path;   // a RocksDB directory owned by this service
  size_t max_batch = 1000;  // events per committed projection batch
  // How long a request with `after` waits for the audit log to apply that position.
  std::chrono::milliseconds wait_for_position = rpc::kMaxPositionWait;
  // Bytes per streamed export message: large enough that per-message costs stay small, far below
  // gRPC's default 4 MiB receive limit.
  size_t export_chunk_bytes = 256 * 1024;
  // Threads one export (writing rows) or one verification (decoding and hashing entries) works
  // on, the request's own included (0: one per CPU core).
  size_t request_threads = 0;
  // Each tenant's time zone and the sandbox tenants: the tenant's day, on which GetStateAsOf and
  // audit packs judge overdue as the query service does. Give it the other services' options.
  runtime::TenantTimeZones time_zones;
  // The background verification of every tenant's chain (reviewtrail_audit_chain_intact):
  // incremental runs every `verify_interval` (0: none, no metrics; --audit-verify-interval), a
  // full pass every `full_verify_interval`. `metrics_tenant_labels`: per-tenant series, capped.
  std::chrono::milliseconds verify_interval{0};
  std::chrono::milliseconds full_verify_interval{std::chrono::hours(24)};
  size_t metrics_tenant_labels = 0;
};

// The audit service: runs the audit projection (libs/projection's Projector over the log into its
// own store) and serves reviewtrail.v1.AuditService — exports streamed with flow control (one
// chunk being sent and one being filled per call, read from a RocksDB snapshot), chain
// verification, state as of an instant and audit packs. Exports and verifications work on
// `request_threads` threads each. Only `auditor` and `isms_manager` principals, for their own
// tenant.
//
// Metrics: reviewtrail_audit_requests_total{rpc, code}, reviewtrail_audit_export_rows_total
// {format}, reviewtrail_audit_verifications_total{result},
// reviewtrail_audit_verified_entries_total, the projector's
// reviewtrail_projection_*{projection="audit"}, and the background verification's
// reviewtrail_audit_chain_* (see BackgroundVerifier).
//
// Thread-safety: handlers run on gRPC's threads; Stop() once, after the server stopped serving.
class AuditService final : public v1::AuditService::CallbackService {
 public:
  // Opens the store and starts projecting from its committed positions.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<AuditService>> Start(
      eventlog::EventLog& log, const auth::TokenVerifier& verifier, const runtime::Clock& clock,
      prometheus::Registry& registry, AuditServiceOptions options);
  ~AuditService() override;

  // Stops the projector (what is committed stays committed).
  void Stop();

  // The RocksDB figures of the audit log's store (store "audit"), for metrics. Thread-safe.
  [[nodiscard]] std::vector<eventlog::StoreStatistics> StorageStatistics() const;

  // The audit projector: its Readiness() decides the service's health.
  [[nodiscard]] const projection::Projector& projector() const { return *projector_; }

  // Waits until the audit log has applied `position` (read-your-writes for tests and tools).
  [[nodiscard]] bool WaitFor(const eventlog::Position& position,
                             std::chrono::steady_clock::time_point deadline);

  grpc::ServerWriteReactor<v1::ExportAuditLogResponse>* ExportAuditLog(
      grpc::CallbackServerContext* context, const v1::ExportAuditLogRequest* request) override;
  grpc::ServerUnaryReactor* VerifyAuditLog(grpc::CallbackServerContext* context,
                                           const v1::VerifyAuditLogRequest* request,
                                           v1::VerifyAuditLogResponse* response) override;
  grpc::ServerUnaryReactor* GetStateAsOf(grpc::CallbackServerContext* context,
                                         const v1::GetStateAsOfRequest* request,
                                         v1::GetStateAsOfResponse* response) override;
  grpc::ServerUnaryReactor* ExportAuditPack(grpc::CallbackServerContext* context,
                                            const v1::ExportAuditPackRequest* request,
                                            v1::ExportAuditPackResponse* response) override;

 private:
  AuditService(eventlog::EventLog& log, const auth::TokenVerifier& verifier,
               const runtime::Clock& clock, prometheus::Registry& registry,
               AuditServiceOptions options);

  // Authenticates and authorises the caller; sets the tenant. A non-OK status refuses.
  [[nodiscard]] grpc::Status Admit(const grpc::CallbackServerContext& context, std::string* tenant);
  // Waits (bounded) until the audit log applied `after`, when set; UNAVAILABLE otherwise.
  [[nodiscard]] grpc::Status WaitForAfter(const v1::LogPosition* after);
  [[nodiscard]] size_t RequestThreads() const;
  grpc::ServerUnaryReactor* Finish(grpc::CallbackServerContext* context, const char* rpc,
                                   const grpc::Status& status);

  grpc::Status DoVerify(const std::string& tenant, const v1::VerifyAuditLogRequest& request,
                        v1::VerifyAuditLogResponse& response);
  grpc::Status DoGetStateAsOf(const std::string& tenant, const v1::GetStateAsOfRequest& request,
                              v1::GetStateAsOfResponse& response);
  grpc::Status DoExportAuditPack(const std::string& tenant,
                                 const v1::ExportAuditPackRequest& request,
                                 v1::ExportAuditPackResponse& response);
  // The tenant's day at the real instant `at_micros` (UTC µs): its time zone and, for a sandbox,
  // the test clock advance it had at that instant.
  [[nodiscard]] absl::StatusOr<domain::CivilDate> TenantDayAt(const audit::AuditView& view,
                                                              const std::string& tenant,
                                                              int64_t at_micros) const;

  eventlog::EventLog& log_;
  const auth::TokenVerifier& verifier_;
  const runtime::Clock& clock_;
  prometheus::Registry& registry_;
  AuditServiceOptions options_;
  std::unique_ptr<AuditMetrics> metrics_;
  std::unique_ptr<audit::AuditProjection> projection_;
  std::unique_ptr<projection::ProjectionStore> store_;
  std::unique_ptr<projection::Projector> projector_;
  std::unique_ptr<BackgroundVerifier> background_verifier_;
};

}  // namespace reviewtrail::audit_service
