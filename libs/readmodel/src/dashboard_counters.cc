#include "reviewtrail/readmodel/dashboard_counters.h"

#include <algorithm>

#include "google/protobuf/util/time_util.h"
#include "reviewtrail/domain/state.h"
#include "reviewtrail/readmodel/keys.h"

namespace reviewtrail::readmodel {
namespace {

using google::protobuf::util::TimeUtil;

constexpr v1::ActionStatus kStatuses[] = {v1::ACTION_STATUS_OPEN, v1::ACTION_STATUS_IN_PROGRESS,
                                          v1::ACTION_STATUS_CLOSURE_REQUESTED,
                                          v1::ACTION_STATUS_CLOSED, v1::ACTION_STATUS_CANCELLED};

void AddStatus(v1::Dashboard& counters, v1::ActionStatus status, int sign) {
  if (counters.by_status_size() == 0) {
    for (v1::ActionStatus each : kStatuses) counters.add_by_status()->set_status(each);
  }
  for (v1::StatusCount& count : *counters.mutable_by_status()) {
    if (count.status() == status) {
      count.set_count(count.count() + sign);
      return;
    }
  }
}

void AddDaysToClose(v1::Dashboard& counters, int32_t days, int sign) {
  auto* buckets = counters.mutable_days_to_close();
  auto it = std::lower_bound(
      buckets->begin(), buckets->end(), days,
      [](const v1::DaysToCloseCount& bucket, int32_t value) { return bucket.days() < value; });
  if (it == buckets->end() || it->days() != days) {
    const int index = static_cast<int>(it - buckets->begin());
    v1::DaysToCloseCount bucket;
    bucket.set_days(days);
    buckets->Add(std::move(bucket));
    // Move the new bucket from the end to its sorted place.
    for (int i = buckets->size() - 1; i > index; --i) buckets->SwapElements(i, i - 1);
    it = buckets->begin() + index;
  }
  it->set_count(it->count() + sign);
  if (it->count() == 0) buckets->erase(it);
}

}  // namespace

std::vector<std::string> ScopesOf(const v1::ActionView& action) {
  std::vector<std::string> scopes = {TenantScope()};
  if (!action.review_id().empty()) scopes.push_back(ReviewScope(action.review_id()));
  if (!action.owner_id().empty()) scopes.push_back(OwnerScope(action.owner_id()));
  return scopes;
}

void AddContribution(v1::Dashboard& counters, const v1::ActionView& action,
                     const runtime::TenantTimeZones& zones, std::string_view tenant_id, int sign) {
  counters.set_total_actions(counters.total_actions() + sign);
  AddStatus(counters, action.status(), sign);
  if (!domain::IsFinal(action.status())) counters.set_open_actions(counters.open_actions() + sign);
  counters.set_deadline_moves(counters.deadline_moves() + sign * action.deadline_changes());
  if (action.status() != v1::ACTION_STATUS_CLOSED) return;
  const domain::CivilDate closed_on =
      zones.DayOfMicros(tenant_id, TimeUtil::TimestampToMicroseconds(action.closed_at()));
  const domain::CivilDate assigned_on =
      zones.DayOfMicros(tenant_id, TimeUtil::TimestampToMicroseconds(action.assigned_at()));
  if (closed_on <= domain::CivilDate::FromProto(action.due_date())) {
    counters.set_closed_on_time(counters.closed_on_time() + sign);
  } else {
    counters.set_closed_late(counters.closed_late() + sign);
  }
  if (action.evidence_size() > 0) {
    counters.set_closures_with_evidence(counters.closures_with_evidence() + sign);
  }
  AddDaysToClose(counters, static_cast<int32_t>(domain::DaysBetween(assigned_on, closed_on)), sign);
}

double MedianDaysToClose(const v1::Dashboard& counters) {
  int64_t total = 0;
  for (const auto& bucket : counters.days_to_close()) total += bucket.count();
  if (total == 0) return 0;
  // The values at ranks (total-1)/2 and total/2 (0-based); their mean is the median.
  const int64_t low_rank = (total - 1) / 2;
  const int64_t high_rank = total / 2;
  double low = 0;
  double high = 0;
  int64_t seen = 0;
  for (const auto& bucket : counters.days_to_close()) {
    const int64_t first = seen;
    seen += bucket.count();
    if (low_rank >= first && low_rank < seen) low = bucket.days();
    if (high_rank >= first && high_rank < seen) {
      high = bucket.days();
      break;
    }
  }
  return (low + high) / 2;
}

}  // namespace reviewtrail::readmodel
