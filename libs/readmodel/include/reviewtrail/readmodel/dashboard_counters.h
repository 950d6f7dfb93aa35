#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "reviewtrail/runtime/time_zones.h"
#include "reviewtrail/v1/query_service.pb.h"

namespace reviewtrail::readmodel {

// The dashboard scopes an action counts in: the tenant, its review and its owner (keys.h).
[[nodiscard]] std::vector<std::string> ScopesOf(const v1::ActionView& action);

// Adds (sign = +1) or removes (sign = -1) what one action contributes to a scope's stored
// counters: total, by status, open, closed on time / late (closure day in the tenant's zone against
// the due date), closures with evidence, days to close, deadline moves. The stored counters are
// always the sum of the contributions of the scope's actions, so an event updates them by removing
// the action's old contribution and adding its new one. Time-dependent numbers (overdue, due soon)
// are never stored: queries sum them from the open actions' counts per due day (open_due_counts).
void AddContribution(v1::Dashboard& counters, const v1::ActionView& action,
                     const runtime::TenantTimeZones& zones, std::string_view tenant_id, int sign);

// The median of the days-to-close distribution; 0 when it is empty.
[[nodiscard]] double MedianDaysToClose(const v1::Dashboard& counters);

}  // namespace reviewtrail::readmodel
