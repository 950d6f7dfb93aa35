#include "reviewtrail/query/query_service.h"

#include <grpcpp/impl/codegen/proto_utils.h>

#include <optional>

#include "request_checks.h"
#include "reviewtrail/projection/read_view.h"
#include "reviewtrail/query/open_read_model.h"
#include "reviewtrail/query/query_metrics.h"
#include "reviewtrail/readmodel/keys.h"
#include "reviewtrail/readmodel/queries.h"
#include "reviewtrail/rpc/authenticate.h"
#include "reviewtrail/rpc/request_parsing.h"
#include "reviewtrail/rpc/status_mapping.h"

namespace reviewtrail::query {
namespace {

using SteadyClock = std::chrono::steady_clock;
using readmodel::Queries;

constexpr char kOwnerRequired[] = "OWNER_REQUIRED";
constexpr char kRoleRequired[] = "ROLE_REQUIRED";

std::string CodeName(const grpc::Status& status) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(status.error_code()));
}

grpc::Status NoReadingRole() {
  return Denied(kRoleRequired, "reading needs the isms_manager, auditor or action_owner role");
}

grpc::Status TenantWideOnly(const char* what) {
  return Denied(kRoleRequired, std::string(what) + " needs the isms_manager or auditor role");
}

// A serialized message as a call's response, without copying it.
grpc::ByteBuffer SerializedMessage(std::string bytes) {
  auto* owned = new std::string(std::move(bytes));
  grpc::Slice slice(
      owned->data(), owned->size(), [](void* string) { delete static_cast<std::string*>(string); },
      owned);
  return grpc::ByteBuffer(&slice, 1);
}

}  // namespace

QueryService::QueryService(eventlog::EventLog& log, const auth::TokenVerifier& verifier,
                           const runtime::Clock& clock, prometheus::Registry& registry,
                           QueryServiceOptions options)
    : log_(log),
      verifier_(verifier),
      clock_(clock),
      options_(std::move(options)),
      metrics_(std::make_unique<QueryMetrics>(registry)) {
  // Every typed request is checked before it is parsed, so that one that does not parse (invalid
  // UTF-8 in a string field) is answered INVALID_ARGUMENT naming the field; ListActions, raw,
  // parses its request itself and answers the same way.
#define REVIEWTRAIL_CHECKED_RPC(Method, Request)                                      \
  MarkMethodCallback(rpc::MethodIndex(v1::QueryService::service_full_name(), #Method, \
                                      *v1::Request::descriptor()),                    \
                     rpc::CheckedUnary(this, &QueryService::Method));
  REVIEWTRAIL_CHECKED_RPC(GetAction, GetActionRequest)
  REVIEWTRAIL_CHECKED_RPC(GetReview, GetReviewRequest)
  REVIEWTRAIL_CHECKED_RPC(ListReviews, ListReviewsRequest)
  REVIEWTRAIL_CHECKED_RPC(ListPersons, ListPersonsRequest)
  REVIEWTRAIL_CHECKED_RPC(GetDashboard, GetDashboardRequest)
  REVIEWTRAIL_CHECKED_RPC(GetReviewInputPack, GetReviewInputPackRequest)
  REVIEWTRAIL_CHECKED_RPC(CheckAuditReadiness, CheckAuditReadinessRequest)
  REVIEWTRAIL_CHECKED_RPC(GetPerson, GetPersonRequest)
#undef REVIEWTRAIL_CHECKED_RPC
}

QueryService::~QueryService() { Stop(); }

absl::StatusOr<std::unique_ptr<QueryService>> QueryService::Start(
    eventlog::EventLog& log, const auth::TokenVerifier& verifier, const runtime::Clock& clock,
    prometheus::Registry& registry, QueryServiceOptions options) {
  std::unique_ptr<QueryService> service(
      new QueryService(log, verifier, clock, registry, std::move(options)));
  absl::StatusOr<std::unique_ptr<projection::ProjectionStore>> store = OpenReadModel(
      log, service->options_.store_path, service->options_.time_zones, registry,
      service->options_.max_batch, service->options_.rebuild_workers, *service->options_.notices);
  if (!store.ok()) return store.status();
  service->store_ = *std::move(store);
  service->projection_ = std::make_unique<readmodel::QueryProjection>(service->options_.time_zones);
  service->projector_ = std::make_unique<projection::Projector>(
      log, *service->store_, *service->projection_, registry,
      projection::ProjectorOptions{.name = "query", .max_batch = service->options_.max_batch});
  if (absl::Status started = service->projector_->Start(); !started.ok()) return started;
  return service;
}

void QueryService::Stop() {
  if (projector_) projector_->Stop();
}

grpc::Status QueryService::AwaitPosition(const v1::LogPosition& position) {
  if (std::vector<domain::FieldViolation> violations =
          CheckPosition(position, log_.PartitionCount());
      !violations.empty()) {
    return InvalidArgument(std::move(violations));
  }
  const auto started = SteadyClock::now();
  const bool applied = projector_->WaitFor({position.partition(), position.offset()},
                                           started + options_.read_your_writes_timeout);
  metrics_->ObservePositionWait(
      std::chrono::duration<double>(SteadyClock::now() - started).count());
  if (applied) return grpc::Status::OK;
  const std::vector<int64_t> progress = projector_->Applied();
  std::string message =
      "the read model has not applied log position " + std::to_string(position.partition()) + ":" +
      std::to_string(position.offset()) + " within " +
      std::to_string(options_.read_your_writes_timeout.count()) + " ms (next to apply there: " +
      std::to_string(progress.at(static_cast<size_t>(position.partition()))) + "); retry";
  if (absl::Status health = projector_->health(); !health.ok()) {
    message += "; projector: " + health.ToString();
  }
  return rpc::ToGrpcStatus(absl::UnavailableError(message));
}

template <typename Request, typename Answer>
grpc::ServerUnaryReactor* QueryService::Handle(const char* rpc,
                                               grpc::CallbackServerContext* context,
                                               const Request& request, Answer answer) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const auto received = SteadyClock::now();
  const auto now = clock_.Now();
  grpc::Status status = [&]() -> grpc::Status {
    absl::StatusOr<auth::Principal> principal = rpc::Authenticate(*context, verifier_, now);
    if (!principal.ok()) return rpc::ToGrpcStatus(principal.status());
    const Access access = AccessOf(*principal);
    if (access == Access::kNone) return NoReadingRole();
    if (request.has_min_position()) {
      if (grpc::Status waited = AwaitPosition(request.min_position()); !waited.ok()) {
        return waited;
      }
    }
    projection::StoreReadView view(*store_);
    Queries queries(view);
    // A sandbox's today is on its test clock (as of the snapshot the queries read).
    int64_t advance = 0;
    if (options_.time_zones.IsSandbox(principal->tenant_id)) {
      absl::StatusOr<int64_t> advanced = queries.TestClockAdvance(principal->tenant_id);
      if (!advanced.ok()) return ToGrpc(advanced.status());
      advance = *advanced;
    }
    return answer(*principal, access, queries,
                  options_.time_zones.DayOf(principal->tenant_id, now, advance));
  }();
  metrics_->Observe(rpc, CodeName(status),
                    std::chrono::duration<double>(SteadyClock::now() - received).count());
  reactor->Finish(status);
  return reactor;
}

grpc::ServerUnaryReactor* QueryService::GetAction(grpc::CallbackServerContext* context,
                                                  const v1::GetActionRequest* request,
                                                  v1::ActionDetail* response) {
  return Handle(
      "GetAction", context, *request,
      [&](const auth::Principal& principal, Access access, Queries& queries,
          const domain::CivilDate& today) -> grpc::Status {
        if (auto bad = CheckRequired("action_id", request->action_id()); !bad.empty()) {
          return InvalidArgument(std::move(bad));
        }
        absl::StatusOr<v1::ActionDetail> detail =
            queries.GetAction(principal.tenant_id, request->action_id(), today);
        if (!detail.ok()) return ToGrpc(detail.status());
        if (access == Access::kOwnActions && detail->action().owner_id() != principal.person_id) {
          return Denied(kOwnerRequired, "an action owner reads only their own actions");
        }
        *response = *std::move(detail);
        return grpc::Status::OK;
      });
}

grpc::ServerUnaryReactor* QueryService::ListActions(grpc::CallbackServerContext* context,
                                                    const grpc::ByteBuffer* request_bytes,
                                                    grpc::ByteBuffer* response) {
  v1::ListActionsRequest request;
  grpc::ByteBuffer request_copy(*request_bytes);  // parsing consumes it
  if (!grpc::SerializationTraits<v1::ListActionsRequest>::Deserialize(&request_copy, &request)
           .ok()) {
    // As every checked method answers (rpc::CheckedUnaryHandler): the field that does not parse.
    const std::string bytes = rpc::RequestBytes(*request_bytes);
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(rpc::UnparsableRequest(
        *v1::ListActionsRequest::descriptor(),
        rpc::FindUnparsableField(*v1::ListActionsRequest::descriptor(), bytes)
            .value_or(
                domain::FieldViolation{.field = "request", .description = "does not parse"})));
    return reactor;
  }
  return Handle("ListActions", context, request,
                [&](const auth::Principal& principal, Access access, Queries& queries,
                    const domain::CivilDate& today) -> grpc::Status {
                  if (auto bad = CheckRequest(request); !bad.empty())
                    return InvalidArgument(std::move(bad));
                  v1::ListActionsRequest effective = request;
                  if (access == Access::kOwnActions) {
                    if (effective.owner_id().empty()) effective.set_owner_id(principal.person_id);
                    if (effective.owner_id() != principal.person_id) {
                      return Denied(kOwnerRequired, "an action owner lists only their own actions");
                    }
                  }
                  // The page as the read model serializes it: the stored views, not parsed.
                  std::string page;
                  if (absl::Status listed = queries.ListActionsSerialized(principal.tenant_id,
                                                                          effective, today, page);
                      !listed.ok()) {
                    return ToGrpc(listed);
                  }
                  *response = SerializedMessage(std::move(page));
                  return grpc::Status::OK;
                });
}

grpc::ServerUnaryReactor* QueryService::GetReview(grpc::CallbackServerContext* context,
                                                  const v1::GetReviewRequest* request,
                                                  v1::ReviewView* response) {
  return Handle("GetReview", context, *request,
                [&](const auth::Principal& principal, Access, Queries& queries,
                    const domain::CivilDate&) -> grpc::Status {
                  if (auto bad = CheckRequired("review_id", request->review_id()); !bad.empty()) {
                    return InvalidArgument(std::move(bad));
                  }
                  absl::StatusOr<v1::ReviewView> review =
                      queries.GetReview(principal.tenant_id, request->review_id());
                  if (!review.ok()) return ToGrpc(review.status());
                  *response = *std::move(review);
                  return grpc::Status::OK;
                });
}

grpc::ServerUnaryReactor* QueryService::ListReviews(grpc::CallbackServerContext* context,
                                                    const v1::ListReviewsRequest* request,
                                                    v1::ListReviewsResponse* response) {
  return Handle("ListReviews", context, *request,
                [&](const auth::Principal& principal, Access, Queries& queries,
                    const domain::CivilDate&) -> grpc::Status {
                  if (auto bad = CheckPageSize(request->page_size()); !bad.empty()) {
                    return InvalidArgument(std::move(bad));
                  }
                  absl::StatusOr<v1::ListReviewsResponse> listed = queries.ListReviews(
                      principal.tenant_id, request->page_size(), request->page_token());
                  if (!listed.ok()) return ToGrpc(listed.status());
                  *response = *std::move(listed);
                  return grpc::Status::OK;
                });
}

grpc::ServerUnaryReactor* QueryService::ListPersons(grpc::CallbackServerContext* context,
                                                    const v1::ListPersonsRequest* request,
                                                    v1::ListPersonsResponse* response) {
  return Handle("ListPersons", context, *request,
                [&](const auth::Principal& principal, Access, Queries& queries,
                    const domain::CivilDate&) -> grpc::Status {
                  if (auto bad = CheckRequest(*request); !bad.empty()) {
                    return InvalidArgument(std::move(bad));
                  }
                  absl::StatusOr<v1::ListPersonsResponse> listed =
                      queries.ListPersons(principal.tenant_id, *request);
                  if (!listed.ok()) return ToGrpc(listed.status());
                  *response = *std::move(listed);
                  return grpc::Status::OK;
                });
}

grpc::ServerUnaryReactor* QueryService::GetDashboard(grpc::CallbackServerContext* context,
                                                     const v1::GetDashboardRequest* request,
                                                     v1::Dashboard* response) {
  return Handle("GetDashboard", context, *request,
                [&](const auth::Principal& principal, Access access, Queries& queries,
                    const domain::CivilDate& today) -> grpc::Status {
                  if (auto bad = CheckRequest(*request); !bad.empty())
                    return InvalidArgument(std::move(bad));
                  if (access == Access::kOwnActions && request->owner_id() != principal.person_id) {
                    return Denied(
                        kOwnerRequired,
                        "an action owner reads only their own dashboard (owner_id = themselves)");
                  }
                  absl::StatusOr<v1::Dashboard> dashboard = queries.GetDashboard(
                      principal.tenant_id, request->review_id(), request->owner_id(), today);
                  if (!dashboard.ok()) return ToGrpc(dashboard.status());
                  *response = *std::move(dashboard);
                  return grpc::Status::OK;
                });
}

grpc::ServerUnaryReactor* QueryService::GetReviewInputPack(
    grpc::CallbackServerContext* context, const v1::GetReviewInputPackRequest* request,
    v1::ReviewInputPack* response) {
  return Handle("GetReviewInputPack", context, *request,
                [&](const auth::Principal& principal, Access access, Queries& queries,
                    const domain::CivilDate& today) -> grpc::Status {
                  if (access != Access::kTenant) return TenantWideOnly("the review input pack");
                  if (auto bad = CheckRequest(*request); !bad.empty())
                    return InvalidArgument(std::move(bad));
                  std::optional<domain::CivilDate> held_before;
                  if (request->has_held_before()) {
                    held_before = domain::CivilDate::FromProto(request->held_before());
                  }
                  absl::StatusOr<v1::ReviewInputPack> pack =
                      queries.GetReviewInputPack(principal.tenant_id, held_before, today);
                  if (!pack.ok()) return ToGrpc(pack.status());
                  *response = *std::move(pack);
                  return grpc::Status::OK;
                });
}

grpc::ServerUnaryReactor* QueryService::CheckAuditReadiness(
    grpc::CallbackServerContext* context, const v1::CheckAuditReadinessRequest* request,
    v1::AuditReadinessReport* response) {
  return Handle("CheckAuditReadiness", context, *request,
                [&](const auth::Principal& principal, Access access, Queries& queries,
                    const domain::CivilDate& today) -> grpc::Status {
                  if (access != Access::kTenant) return TenantWideOnly("the audit-readiness check");
                  absl::StatusOr<v1::AuditReadinessReport> report =
                      queries.CheckAuditReadiness(principal.tenant_id, today);
                  if (!report.ok()) return ToGrpc(report.status());
                  *response = *std::move(report);
                  return grpc::Status::OK;
                });
}

grpc::ServerUnaryReactor* QueryService::GetPerson(grpc::CallbackServerContext* context,
                                                  const v1::GetPersonRequest* request,
                                                  v1::PersonView* response) {
  return Handle("GetPerson", context, *request,
                [&](const auth::Principal& principal, Access, Queries& queries,
                    const domain::CivilDate&) -> grpc::Status {
                  if (auto bad = CheckRequired("person_id", request->person_id()); !bad.empty()) {
                    return InvalidArgument(std::move(bad));
                  }
                  absl::StatusOr<v1::PersonView> person =
                      queries.GetPerson(principal.tenant_id, request->person_id());
                  if (!person.ok()) return ToGrpc(person.status());
                  *response = *std::move(person);
                  return grpc::Status::OK;
                });
}

}  // namespace reviewtrail::query
