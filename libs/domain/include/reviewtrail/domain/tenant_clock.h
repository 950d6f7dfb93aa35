#pragma once

#include <cstdint>

#include "absl/time/time.h"
#include "reviewtrail/domain/civil_date.h"
#include "reviewtrail/domain/context.h"
#include "reviewtrail/domain/decide.h"
#include "reviewtrail/domain/evolve.h"
#include "reviewtrail/domain/state.h"
#include "reviewtrail/v1/admin_service.pb.h"
#include "reviewtrail/v1/common.pb.h"
#include "reviewtrail/v1/events.pb.h"

namespace reviewtrail::domain {

// A tenant's clock, and the derived facts every service asks of it: the tenant's "now", its
// calendar day ("today") and whether an action is overdue on it. The one home of these rules: the
// command service (due dates, escalations), the query service (overdue, dashboards), the notifier
// (reminders and escalations falling due) and the audit service (GetStateAsOf) all call them.
//
// A tenant's now is the real UTC time plus its test clock's advance (zero for every production
// tenant; a sandbox tenant's is moved forward by TestClockAdvanced events). Its day is the
// calendar day of that instant in its time zone: a fixed offset (`absl::FixedTimeZone`) or an IANA
// zone with its daylight-saving rules (`Europe/Amsterdam`), loaded by the caller at start.

// The most a sandbox clock may be advanced in all.
inline constexpr int64_t kMaxTestClockAdvanceDays = 3650;
// Rule of AdvanceTestClock for a tenant the server was not started with as a sandbox.
inline constexpr char kTenantNotSandbox[] = "TENANT_NOT_SANDBOX";

// The total advance a TestClockAdvanced event leaves (0 for any other payload).
[[nodiscard]] Micros AdvanceAfter(const v1::EventEnvelope& event);

// The tenant's now at the real instant `utc_now`.
[[nodiscard]] Micros TenantNow(Micros utc_now, Micros advance);
// The tenant's calendar day at the real instant `utc_now`: the day of its now in `zone`.
[[nodiscard]] CivilDate TenantDay(Micros utc_now, const absl::TimeZone& zone, Micros advance);
// The tenant's offset from UTC, in minutes, at its now (it moves with daylight saving).
[[nodiscard]] int32_t TenantUtcOffsetMinutes(Micros utc_now, const absl::TimeZone& zone,
                                             Micros advance);
// The instant the tenant's clock shows `time_of_day` after the local midnight of `day` in `zone`
// (a local time read off the wall clock: 09:00 is 09:00 on a daylight-saving day too). A local
// time that a daylight-saving gap skips maps to the instant the gap ends; one that occurs twice, to
// the first.
[[nodiscard]] Micros LocalInstant(const CivilDate& day, absl::Duration time_of_day,
                                  const absl::TimeZone& zone);

// Overdue: not final (closed or cancelled) and due before the tenant's today; never for an
// action without a valid due date.
[[nodiscard]] bool IsOverdue(v1::ActionStatus status, const CivilDate& due, const CivilDate& today);

// AdvanceTestClock: role isms_manager; advance_by > 0 in whole seconds, the total at most
// kMaxTestClockAdvanceDays; the tenant must be a sandbox (context.sandbox), else
// FAILED_PRECONDITION TENANT_NOT_SANDBOX. Emits TestClockAdvanced on the tenant's aggregate.
Result<Decision> Decide(const StateView& state, const v1::AdvanceTestClockRequest& command,
                        const CommandContext& context);

}  // namespace reviewtrail::domain
