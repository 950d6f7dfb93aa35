#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "reviewtrail/domain/civil_date.h"
#include "reviewtrail/v1/events.pb.h"
#include "reviewtrail/v1/query_service.pb.h"

namespace reviewtrail::readmodel::testing {

// The golden scenario: a scripted history decided by the real domain deciders (so it obeys every
// rule), one action through each lifecycle path. Tenant "acme":
//   persons mia (ISMS manager), olga, oscar, paula (owners; paula deactivated on 02-20)
//   R1 held 2026-01-05: D1, D2 with actions, D3 with none (audit finding)
//     A1 olga  due 01-30  evidence, closure approved 01-20            closed on time, 15 days
//     A2 oscar due 01-15  closure rejected 01-14, approved 01-26      closed late, 21 days
//     A3 olga  due 02-10  rescheduled twice -> 02-25, in progress    overdue, not escalated
//     A4 oscar due 02-15  reminder 02-08, escalation 02-16           overdue, escalated
//     A5 paula due 03-05  open, owner deactivated                    due within 7 days
//     A6 olga -> oscar (reassigned 02-01), due 04-30, in progress
//     A7 oscar due 03-20  cancelled 02-10
//     A8 olga  due 03-09  closure requested 02-27                    due within 7 days
//   R2 held 2026-02-27: D4, A9 olga due 03-31 open
// Tenant "globex": one person, review, decision and open action G1 (for isolation).
// "Now" for the expected numbers is 2026-03-02 (kToday).
struct GoldenScenario {
  std::vector<v1::EventEnvelope> events;   // acme's events in order, then globex's
  std::map<std::string, std::string> ids;  // "A1".."A9", "R1", "R2", "D1".."D4", "G1"
};

[[nodiscard]] GoldenScenario BuildGoldenScenario();

inline const domain::CivilDate kToday{2026, 3, 2};
// 2026-03-02T10:00:00Z.
inline constexpr int64_t kNowMicros = 1'772'445'600'000'000;

// The expected answers, checked through whatever serves them (queries in memory, gRPC over the
// embedded log, gRPC over Kafka).
using DashboardOf =
    std::function<v1::Dashboard(const std::string& review_id, const std::string& owner_id)>;
void ExpectGoldenDashboards(const GoldenScenario& scenario, const DashboardOf& dashboard_of);
void ExpectGoldenFindings(const GoldenScenario& scenario, const v1::AuditReadinessReport& report);
void ExpectGoldenInputPack(const GoldenScenario& scenario, const v1::ReviewInputPack& pack);
// ListActions(overdue_only) of acme.
void ExpectGoldenOverdue(const GoldenScenario& scenario, const v1::ListActionsResponse& overdue);

}  // namespace reviewtrail::readmodel::testing
