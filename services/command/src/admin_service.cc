#include "reviewtrail/command/admin_service.h"

#include "google/protobuf/util/time_util.h"
#include "reviewtrail/domain/tenant_clock.h"
#include "reviewtrail/rpc/authenticate.h"
#include "reviewtrail/rpc/status_mapping.h"

namespace reviewtrail::command {
namespace {

using google::protobuf::util::TimeUtil;

// GetTestClock waits at most this long for the write model to index the log's end.
constexpr std::chrono::milliseconds kIndexWait{2000};

}  // namespace

grpc::ServerUnaryReactor* AdminService::AdvanceTestClock(grpc::CallbackServerContext* context,
                                                         const v1::AdvanceTestClockRequest* request,
                                                         v1::CommandReply* reply) {
  return commands_.Handle("AdvanceTestClock", context, request, reply);
}

grpc::ServerUnaryReactor* AdminService::GetTestClock(grpc::CallbackServerContext* context,
                                                     const v1::GetTestClockRequest* /*request*/,
                                                     v1::TestClock* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const auto now = commands_.clock().Now();
  reactor->Finish([&]() -> grpc::Status {
    absl::StatusOr<auth::Principal> principal =
        rpc::Authenticate(*context, commands_.verifier(), now);
    if (!principal.ok()) return rpc::ToGrpcStatus(principal.status());
    if (!principal->HasRole(v1::ROLE_ISMS_MANAGER) && !principal->HasRole(v1::ROLE_AUDITOR)) {
      return rpc::ToGrpcStatus(domain::DomainError{
          .code = domain::ErrorCode::kPermissionDenied,
          .rule = "ROLE_REQUIRED",
          .message = "reading the test clock needs the isms_manager or auditor role"});
    }
    const runtime::TenantTimeZones& zones = commands_.time_zones();
    const std::string& tenant = principal->tenant_id;
    domain::Micros advance = 0;
    if (zones.IsSandbox(tenant)) {
      absl::StatusOr<domain::TenantClockState> clock = commands_.TenantClock(tenant, kIndexWait);
      if (!clock.ok()) return rpc::ToGrpcStatus(clock.status());
      advance = clock->advance;
    }
    const domain::Micros real =
        std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
    response->set_tenant_id(tenant);
    response->set_sandbox(zones.IsSandbox(tenant));
    *response->mutable_advance() = TimeUtil::MicrosecondsToDuration(advance);
    *response->mutable_now() = TimeUtil::MicrosecondsToTimestamp(domain::TenantNow(real, advance));
    *response->mutable_today() = zones.DayOf(tenant, now, advance).ToProto();
    response->set_utc_offset_minutes(
        domain::TenantUtcOffsetMinutes(real, zones.ZoneOf(tenant), advance));
    response->set_time_zone(zones.ZoneNameOf(tenant));
    return grpc::Status::OK;
  }());
  return reactor;
}

}  // namespace reviewtrail::command
