#include "reviewtrail/audit_service/audit_service.h"

#include <algorithm>
#include <thread>

#include "absl/strings/str_cat.h"
#include "audit_metrics.h"
#include "background_verifier.h"
#include "export_reactor.h"
#include "google/protobuf/util/time_util.h"
#include "request_checks.h"
#include "reviewtrail/audit/audit_pack.h"
#include "reviewtrail/audit/audit_projection.h"
#include "reviewtrail/audit/audit_view.h"
#include "reviewtrail/audit/state_replay.h"
#include "reviewtrail/audit/worker_pool.h"
#include "reviewtrail/digest/sha256.h"
#include "reviewtrail/projection/projection_store.h"
#include "reviewtrail/projection/projector.h"
#include "reviewtrail/rpc/authenticate.h"
#include "reviewtrail/rpc/request_parsing.h"
#include "reviewtrail/rpc/status_mapping.h"

namespace reviewtrail::audit_service {
namespace {

using google::protobuf::util::TimeUtil;

std::string CodeName(const grpc::Status& status) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(status.error_code()));
}

audit::Micros MicrosOf(std::chrono::system_clock::time_point time) {
  return std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch()).count();
}

grpc::Status NotFound(const std::string& subject, const std::string& message) {
  return rpc::ToGrpcStatus(domain::DomainError{.code = domain::ErrorCode::kNotFound,
                                               .rule = "NOT_FOUND",
                                               .subject = subject,
                                               .message = message});
}

grpc::Status Invalid(std::vector<domain::FieldViolation> violations) {
  return rpc::ToGrpcStatus(InvalidRequest(std::move(violations)));
}

}  // namespace

AuditService::AuditService(eventlog::EventLog& log, const auth::TokenVerifier& verifier,
                           const runtime::Clock& clock, prometheus::Registry& registry,
                           AuditServiceOptions options)
    : log_(log),
      verifier_(verifier),
      clock_(clock),
      registry_(registry),
      options_(std::move(options)),
      metrics_(std::make_unique<AuditMetrics>(registry)),
      projection_(std::make_unique<audit::AuditProjection>()) {
  // Every unary request is checked before it is parsed, so that one that does not parse (invalid
  // UTF-8 in a string field) is answered INVALID_ARGUMENT naming the field, as the other services
  // do. (ExportAuditLog, a stream, keeps gRPC's own handler.)
#define REVIEWTRAIL_CHECKED_RPC(Method)                                               \
  MarkMethodCallback(rpc::MethodIndex(v1::AuditService::service_full_name(), #Method, \
                                      *v1::Method##Request::descriptor()),            \
                     rpc::CheckedUnary(this, &AuditService::Method));
  REVIEWTRAIL_CHECKED_RPC(VerifyAuditLog)
  REVIEWTRAIL_CHECKED_RPC(GetStateAsOf)
  REVIEWTRAIL_CHECKED_RPC(ExportAuditPack)
#undef REVIEWTRAIL_CHECKED_RPC
}

AuditService::~AuditService() { Stop(); }

absl::StatusOr<std::unique_ptr<AuditService>> AuditService::Start(
    eventlog::EventLog& log, const auth::TokenVerifier& verifier, const runtime::Clock& clock,
    prometheus::Registry& registry, AuditServiceOptions options) {
  std::unique_ptr<AuditService> service(
      new AuditService(log, verifier, clock, registry, std::move(options)));
  absl::StatusOr<std::unique_ptr<projection::ProjectionStore>> store =
      projection::ProjectionStore::Open(service->options_.store_path,
                                        service->projection_->Tables());
  if (!store.ok()) return store.status();
  service->store_ = *std::move(store);
  service->projector_ = std::make_unique<projection::Projector>(
      log, *service->store_, *service->projection_, registry,
      projection::ProjectorOptions{.name = "audit", .max_batch = service->options_.max_batch});
  if (absl::Status started = service->projector_->Start(); !started.ok()) return started;
  if (service->options_.verify_interval.count() > 0) {
    service->background_verifier_ = std::make_unique<BackgroundVerifier>(
        *service->store_, registry,
        BackgroundVerifierOptions{.interval = service->options_.verify_interval,
                                  .full_interval = service->options_.full_verify_interval,
                                  .tenant_labels = service->options_.metrics_tenant_labels});
    service->background_verifier_->Start();
  }
  return service;
}

std::vector<eventlog::StoreStatistics> AuditService::StorageStatistics() const {
  return {store_->Statistics("audit")};
}

void AuditService::Stop() {
  if (background_verifier_) background_verifier_->Stop();
  if (projector_) projector_->Stop();
}

bool AuditService::WaitFor(const eventlog::Position& position,
                           std::chrono::steady_clock::time_point deadline) {
  return projector_->WaitFor(position, deadline);
}

grpc::Status AuditService::Admit(const grpc::CallbackServerContext& context, std::string* tenant) {
  absl::StatusOr<auth::Principal> principal = rpc::Authenticate(context, verifier_, clock_.Now());
  if (!principal.ok()) return rpc::ToGrpcStatus(principal.status());
  if (!principal->HasRole(v1::ROLE_AUDITOR) && !principal->HasRole(v1::ROLE_ISMS_MANAGER)) {
    return rpc::ToGrpcStatus(domain::DomainError{
        .code = domain::ErrorCode::kPermissionDenied,
        .rule = "AUDITOR_OR_ISMS_MANAGER_REQUIRED",
        .subject = "tenants/" + principal->tenant_id + "/audit-log",
        .message = "only an auditor or an isms_manager of the tenant may read its audit log"});
  }
  *tenant = principal->tenant_id;
  return grpc::Status::OK;
}

size_t AuditService::RequestThreads() const {
  return options_.request_threads != 0 ? options_.request_threads
                                       : std::max<size_t>(std::thread::hardware_concurrency(), 1);
}

grpc::Status AuditService::WaitForAfter(const v1::LogPosition* after) {
  if (after == nullptr) return grpc::Status::OK;
  const auto deadline = std::chrono::steady_clock::now() + options_.wait_for_position;
  if (!projector_->WaitFor({after->partition(), after->offset()}, deadline)) {
    return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                        absl::StrCat("the audit log has not reached log position ",
                                     after->partition(), ":", after->offset(), " yet; retry"));
  }
  return grpc::Status::OK;
}

grpc::ServerUnaryReactor* AuditService::Finish(grpc::CallbackServerContext* context,
                                               const char* rpc, const grpc::Status& status) {
  metrics_->CountRequest(rpc, CodeName(status));
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(status);
  return reactor;
}

grpc::ServerWriteReactor<v1::ExportAuditLogResponse>* AuditService::ExportAuditLog(
    grpc::CallbackServerContext* context, const v1::ExportAuditLogRequest* request) {
  std::string tenant;
  grpc::Status admitted = Admit(*context, &tenant);
  if (admitted.ok()) {
    if (auto violations = CheckExport(*request, log_.PartitionCount()); !violations.empty()) {
      admitted = Invalid(std::move(violations));
    }
  }
  if (admitted.ok()) admitted = WaitForAfter(request->has_after() ? &request->after() : nullptr);
  if (!admitted.ok()) {
    // A reactor that only refuses.
    class Refusal final : public grpc::ServerWriteReactor<v1::ExportAuditLogResponse> {
     public:
      explicit Refusal(const grpc::Status& status) { Finish(status); }
      void OnDone() override { delete this; }
    };
    metrics_->CountRequest("ExportAuditLog", CodeName(admitted));
    return new Refusal(admitted);
  }
  auto* reactor = new ExportReactor(*store_, tenant, request->format(), FilterOf(*request),
                                    options_.export_chunk_bytes, RequestThreads(), *metrics_);
  reactor->Begin();
  return reactor;
}

grpc::ServerUnaryReactor* AuditService::VerifyAuditLog(grpc::CallbackServerContext* context,
                                                       const v1::VerifyAuditLogRequest* request,
                                                       v1::VerifyAuditLogResponse* response) {
  std::string tenant;
  grpc::Status status = Admit(*context, &tenant);
  if (status.ok()) {
    auto violations = CheckVerify(*request, log_.PartitionCount());
    if (!violations.empty()) status = Invalid(std::move(violations));
  }
  if (status.ok()) status = WaitForAfter(request->has_after() ? &request->after() : nullptr);
  if (status.ok()) status = DoVerify(tenant, *request, *response);
  return Finish(context, "VerifyAuditLog", status);
}

grpc::Status AuditService::DoVerify(const std::string& tenant,
                                    const v1::VerifyAuditLogRequest& request,
                                    v1::VerifyAuditLogResponse& response) {
  audit::AuditView view(*store_);
  audit::WorkerPool pool(RequestThreads());
  absl::StatusOr<audit::AuditView::Verification> verification =
      view.Verify(tenant, request.from_sequence(), request.to_sequence(), &pool);
  if (!verification.ok()) return rpc::ToGrpcStatus(verification.status());
  response.set_intact(!verification->broken.has_value());
  response.set_entries_checked(verification->checked);
  response.set_head_sequence(verification->head.sequence);
  response.set_head_hash(verification->head.hash);
  if (verification->broken) {
    v1::BrokenEntry* broken = response.mutable_first_broken();
    broken->set_sequence(verification->broken->sequence);
    broken->set_reason(verification->broken->reason);
    broken->set_description(verification->broken->description);
  }
  metrics_->CountVerification(response.intact(), static_cast<double>(verification->checked));
  return grpc::Status::OK;
}

grpc::ServerUnaryReactor* AuditService::GetStateAsOf(grpc::CallbackServerContext* context,
                                                     const v1::GetStateAsOfRequest* request,
                                                     v1::GetStateAsOfResponse* response) {
  std::string tenant;
  grpc::Status status = Admit(*context, &tenant);
  if (status.ok()) {
    auto violations = CheckStateAsOf(*request, log_.PartitionCount());
    if (!violations.empty()) status = Invalid(std::move(violations));
  }
  if (status.ok()) status = WaitForAfter(request->has_after() ? &request->after() : nullptr);
  if (status.ok()) status = DoGetStateAsOf(tenant, *request, *response);
  return Finish(context, "GetStateAsOf", status);
}

absl::StatusOr<domain::CivilDate> AuditService::TenantDayAt(const audit::AuditView& view,
                                                            const std::string& tenant,
                                                            int64_t at) const {
  audit::Micros advance = 0;
  if (options_.time_zones.IsSandbox(tenant)) {
    absl::StatusOr<std::vector<audit::AuditView::Record>> clock =
        view.Indexed(tenant, audit::IndexKind::kTenant, tenant);
    if (!clock.ok()) return clock.status();
    advance = audit::AdvanceAsOf(*clock, at);
  }
  return options_.time_zones.DayOfMicros(tenant, at, advance);
}

grpc::Status AuditService::DoGetStateAsOf(const std::string& tenant,
                                          const v1::GetStateAsOfRequest& request,
                                          v1::GetStateAsOfResponse& response) {
  const bool action = request.target_case() == v1::GetStateAsOfRequest::kActionId;
  const std::string& id = action ? request.action_id() : request.review_id();
  const std::string subject = (action ? "actions/" : "reviews/") + id;
  audit::AuditView view(*store_);
  absl::StatusOr<std::vector<audit::AuditView::Record>> records =
      view.Indexed(tenant, action ? audit::IndexKind::kAction : audit::IndexKind::kReview, id);
  if (!records.ok()) return rpc::ToGrpcStatus(records.status());
  const audit::Micros as_of = TimeUtil::TimestampToMicroseconds(request.as_of());
  const audit::Replayed replayed = audit::Replay(*records, as_of);
  const bool exists = action ? !replayed.actions.empty() && replayed.actions[0].state.version > 0
                             : replayed.review.version > 0;
  if (!exists) {
    return NotFound(subject, absl::StrCat(subject, " was not on record at ",
                                          TimeUtil::ToString(request.as_of())));
  }
  absl::StatusOr<domain::CivilDate> today = TenantDayAt(view, tenant, as_of);
  if (!today.ok()) return rpc::ToGrpcStatus(today.status());
  *response.mutable_as_of() = request.as_of();
  response.set_events_replayed(replayed.events);
  response.set_last_sequence(replayed.last_sequence);
  if (action) {
    *response.mutable_action() = audit::ToSnapshot(replayed.actions[0].state, *today);
  } else {
    *response.mutable_review() = audit::ToSnapshot(replayed, *today);
  }
  return grpc::Status::OK;
}

grpc::ServerUnaryReactor* AuditService::ExportAuditPack(grpc::CallbackServerContext* context,
                                                        const v1::ExportAuditPackRequest* request,
                                                        v1::ExportAuditPackResponse* response) {
  std::string tenant;
  grpc::Status status = Admit(*context, &tenant);
  if (status.ok()) {
    auto violations = CheckPack(*request, log_.PartitionCount());
    if (!violations.empty()) status = Invalid(std::move(violations));
  }
  if (status.ok()) status = WaitForAfter(request->has_after() ? &request->after() : nullptr);
  if (status.ok()) status = DoExportAuditPack(tenant, *request, *response);
  return Finish(context, "ExportAuditPack", status);
}

grpc::Status AuditService::DoExportAuditPack(const std::string& tenant,
                                             const v1::ExportAuditPackRequest& request,
                                             v1::ExportAuditPackResponse& response) {
  audit::AuditView view(*store_);
  absl::StatusOr<audit::Head> head = view.LoadHead(tenant);
  if (!head.ok()) return rpc::ToGrpcStatus(head.status());
  absl::StatusOr<std::vector<audit::AuditView::Record>> records =
      view.Indexed(tenant, audit::IndexKind::kReview, request.review_id());
  if (!records.ok()) return rpc::ToGrpcStatus(records.status());
  const audit::Micros now = MicrosOf(clock_.Now());
  audit::Replayed replayed = audit::Replay(*records, std::nullopt);
  if (replayed.review.version == 0) {
    return NotFound("reviews/" + request.review_id(),
                    "review " + request.review_id() + " is not on record");
  }
  audit::PackData pack{.tenant_id = tenant,
                       .generated_at = now,
                       .head_sequence = head->sequence,
                       .head_hash = head->hash,
                       .review = std::move(replayed.review),
                       .review_trail = std::move(replayed.review_trail)};
  absl::StatusOr<domain::CivilDate> today = TenantDayAt(view, tenant, now);
  if (!today.ok()) return rpc::ToGrpcStatus(today.status());
  for (audit::ReplayedAction& action : replayed.actions) {
    const bool overdue = audit::IsOverdue(action.state, *today);
    pack.actions.push_back({std::move(action.state), overdue, std::move(action.trail)});
  }
  const bool html = request.format() == v1::AUDIT_PACK_FORMAT_HTML;
  std::string content = html ? audit::RenderPackHtml(pack) : audit::RenderPackJson(pack);
  response.set_media_type(html ? "text/html; charset=utf-8" : "application/json");
  response.set_file_name("audit-pack-" + request.review_id() + (html ? ".html" : ".json"));
  response.set_content_sha256(digest::Sha256Hex(content));
  response.set_content(std::move(content));
  response.set_entries(static_cast<int64_t>(records->size()));
  return grpc::Status::OK;
}

}  // namespace reviewtrail::audit_service
