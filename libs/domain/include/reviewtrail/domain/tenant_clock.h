#pragma once

#include <cstdint>

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
// calendar day of that instant at its fixed UTC offset.

// The most a sandbox clock may be advanced in all.
inline constexpr int64_t kMaxTestClockAdvanceDays = 3650;
// Rule of AdvanceTestClock for a tenant the server was not started with as a sandbox.
inline constexpr char kTenantNotSandbox[] = "TENANT_NOT_SANDBOX";

// The total advance a TestClockAdvanced event leaves (0 for any other payload).
[[nodiscard]] Micros AdvanceAfter(const v1::EventEnvelope& event);

// The tenant's now at the real instant `utc_now`.
[[nodiscard]] Micros TenantNow(Micros utc_now, Micros advance);
// The tenant's calendar day at the real instant `utc_now`: its now at its UTC offset.
[[nodiscard]] CivilDate TenantDay(Micros utc_now, int64_t utc_offset_minutes, Micros advance);

// Overdue: not final (closed or cancelled) and due before the tenant's today; never for an
// action without a valid due date.
[[nodiscard]] bool IsOverdue(v1::ActionStatus status, const CivilDate& due, const CivilDate& today);

// AdvanceTestClock: role isms_manager; advance_by > 0 in whole seconds, the total at most
// kMaxTestClockAdvanceDays; the tenant must be a sandbox (context.sandbox), else
// FAILED_PRECONDITION TENANT_NOT_SANDBOX. Emits TestClockAdvanced on the tenant's aggregate.
Result<Decision> Decide(const StateView& state, const v1::AdvanceTestClockRequest& command,
                        const CommandContext& context);

}  // namespace reviewtrail::domain
