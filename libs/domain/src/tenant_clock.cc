// A tenant's clock: its now, its day, overdue, and the sandbox's AdvanceTestClock command.
#include "reviewtrail/domain/tenant_clock.h"

#include "decide_support.h"
#include "google/protobuf/util/time_util.h"
#include "validation.h"

namespace reviewtrail::domain {
namespace {

using google::protobuf::util::TimeUtil;

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kMaxAdvanceSeconds = kMaxTestClockAdvanceDays * 86'400;

std::string TenantName(std::string_view id) { return "tenants/" + std::string(id); }

}  // namespace

void Evolve(TenantClockState& clock, const v1::EventEnvelope& event) {
  if (event.has_test_clock_advanced()) clock.advance = AdvanceAfter(event);
  clock.version = event.aggregate_version();
}

Micros AdvanceAfter(const v1::EventEnvelope& event) {
  if (!event.has_test_clock_advanced()) return 0;
  return std::max<Micros>(
      0, TimeUtil::DurationToMicroseconds(event.test_clock_advanced().total_advance()));
}

Micros TenantNow(Micros utc_now, Micros advance) { return utc_now + advance; }

CivilDate TenantDay(Micros utc_now, const absl::TimeZone& zone, Micros advance) {
  const absl::CivilDay day =
      absl::ToCivilDay(absl::FromUnixMicros(TenantNow(utc_now, advance)), zone);
  return CivilDate::FromDaysSinceEpoch(day - absl::CivilDay(1970, 1, 1));
}

int32_t TenantUtcOffsetMinutes(Micros utc_now, const absl::TimeZone& zone, Micros advance) {
  return zone.At(absl::FromUnixMicros(TenantNow(utc_now, advance))).offset / 60;
}

Micros LocalInstant(const CivilDate& day, absl::Duration time_of_day, const absl::TimeZone& zone) {
  const absl::CivilSecond local =
      absl::CivilSecond(absl::CivilDay(1970, 1, 1) + day.DaysSinceEpoch()) +
      absl::ToInt64Seconds(time_of_day);
  const absl::TimeZone::TimeInfo at = zone.At(local);
  return absl::ToUnixMicros(at.kind == absl::TimeZone::TimeInfo::SKIPPED ? at.trans : at.pre);
}

bool IsOverdue(v1::ActionStatus status, const CivilDate& due, const CivilDate& today) {
  return !IsFinal(status) && due.IsValid() && due < today;
}

Result<Decision> Decide(const StateView& state, const v1::AdvanceTestClockRequest& command,
                        const CommandContext& context) {
  if (auto denied =
          RequireAnyRole(context, {v1::ROLE_ISMS_MANAGER}, "advancing a sandbox's test clock")) {
    return *denied;
  }
  Violations violations;
  violations.RequireCommandId(command.command_id());
  const TenantClockState* clock = state.FindTenantClock();
  const Micros current = clock == nullptr ? 0 : clock->advance;
  const google::protobuf::Duration& by = command.advance_by();
  if (!command.has_advance_by()) {
    violations.Add("advance_by", "is required: a duration of whole seconds, more than 0");
  } else if (by.nanos() != 0) {
    violations.Add("advance_by", "must be whole seconds (nanos 0)");
  } else if (by.seconds() <= 0) {
    violations.Add("advance_by", "must be more than 0: the clock never goes backwards");
  } else if (by.seconds() > kMaxAdvanceSeconds - current / kMicrosPerSecond) {
    violations.Add("advance_by", "must leave the total advance at most " +
                                     std::to_string(kMaxTestClockAdvanceDays) + " days (it is " +
                                     std::to_string(current / kMicrosPerSecond) + " s now)");
  }
  if (!violations.empty()) return violations.ToError();
  if (!context.sandbox) {
    return Precondition(kTenantNotSandbox, TenantName(context.tenant_id), "PRODUCTION",
                        "tenant '" + context.tenant_id +
                            "' is not a sandbox: its clock is the real one and cannot be moved "
                            "(a server runs a tenant as a sandbox with --sandbox-tenant)");
  }
  DecisionBuilder builder(context, command.command_id(), v1::AGGREGATE_TYPE_TENANT,
                          context.tenant_id, clock == nullptr ? 0 : clock->version);
  auto* advanced = builder.AddEvent().mutable_test_clock_advanced();
  *advanced->mutable_advanced_by() = by;
  *advanced->mutable_total_advance() =
      TimeUtil::MicrosecondsToDuration(current + by.seconds() * kMicrosPerSecond);
  return std::move(builder).Build();
}

}  // namespace reviewtrail::domain
