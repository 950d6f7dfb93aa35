#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "reviewtrail/v1/events.pb.h"

namespace reviewtrail::tools {

// A synthetic history shaped like the deciders' output (built directly, for speed): per tenant,
// `owners` persons, one review with 20 decisions, then actions: every action assigned (due dates
// spread over +-180 days around `today_days`), a third reported on, a fifth closed with evidence.
// Calls `emit(tenant, events)` with batches of one tenant's events, in order, until `total_events`
// events were emitted. Returns the number of actions.
int64_t GenerateHistory(int64_t total_events, int tenants, int owners, int64_t today_days,
                        const std::function<void(const std::string& tenant,
                                                 std::vector<v1::EventEnvelope>& events)>& emit);

[[nodiscard]] std::string TenantName(int tenant);
[[nodiscard]] std::string OwnerName(int owner);

}  // namespace reviewtrail::tools
