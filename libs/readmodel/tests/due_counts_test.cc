#include <gtest/gtest.h>

#include <map>
#include <string>

#include "readmodel_fixture.h"
#include "reviewtrail/domain/evolve.h"
#include "reviewtrail/readmodel/action_fold.h"
#include "reviewtrail/readmodel/due_day_counts.h"
#include "reviewtrail/readmodel/keys.h"

namespace reviewtrail::readmodel::testing {
namespace {

using Counts = std::map<std::string, int64_t>;

// What open_due_counts holds, by tenant.scope.YYYYMMDD.
Counts StoredCounts(projection::MemoryChanges& changes) {
  Counts counts;
  for (const auto& [key, value] : changes.table(kOpenDueCounts)) {
    DueDayCounts record;
    EXPECT_TRUE(record.ParseFromString(value)) << key;
    EXPECT_FALSE(record.empty()) << key;  // a scope without open actions has no record
    for (const DueDayCounts::Day& day : record.Days())
      counts[Key({key, DayKey(day.day)})] = day.count;
  }
  return counts;
}

// What the counts must always equal: the actions' stored views that are not final, per
// tenant.scope.YYYYMMDD of their due date, for each of their scopes (tenant, review, owner).
Counts CountsOfTheOpenActions(projection::MemoryChanges& changes) {
  Counts counts;
  for (const auto& [key, value] : changes.table(kActions)) {
    v1::ActionView action;
    EXPECT_TRUE(action.ParseFromString(value)) << key;
    const domain::CivilDate due = domain::CivilDate::FromProto(action.due_date());
    if (action.status() == v1::ACTION_STATUS_CLOSED ||
        action.status() == v1::ACTION_STATUS_CANCELLED || !due.IsValid()) {
      continue;
    }
    const std::string tenant = key.substr(0, key.find('\0'));
    ++counts[Key({tenant, TenantScope(), DayKey(due)})];
    if (!action.review_id().empty()) {
      ++counts[Key({tenant, ReviewScope(action.review_id()), DayKey(due)})];
    }
    if (!action.owner_id().empty()) {
      ++counts[Key({tenant, OwnerScope(action.owner_id()), DayKey(due)})];
    }
  }
  return counts;
}

std::string DayOf(const std::string& tenant, const std::string& scope, const char* day) {
  return Key({tenant, scope, day});
}

// The counts after the scenario's events up to and including the first one `stop` accepts.
template <typename Stop>
Counts CountsUntil(const GoldenScenario& scenario, Stop stop) {
  QueryProjection projection{runtime::TenantTimeZones()};
  projection::MemoryChanges changes;
  int64_t offset = 0;
  for (const v1::EventEnvelope& event : scenario.events) {
    EXPECT_TRUE(projection.Apply({0, offset++}, event, changes).ok());
    if (stop(event)) break;
  }
  EXPECT_TRUE(projection.Flush(changes).ok());
  return StoredCounts(changes);
}

TEST_F(GoldenReadModelTest, DueCountsEqualTheOpenActionsAfterEveryEvent) {
  // Every lifecycle path of the scenario (assignment, deadline moves, owner change, closure,
  // rejection, cancellation), one committed batch per event: never a zero or stale record.
  projection::MemoryChanges changes;
  ApplyEachCommitted(changes, [&](const v1::EventEnvelope& event, int64_t offset) {
    ASSERT_EQ(StoredCounts(changes), CountsOfTheOpenActions(changes))
        << "after event " << offset + 1 << " (payload " << event.payload_case() << ")";
  });
  // And the same when the whole scenario is one batch.
  EXPECT_EQ(StoredCounts(changes_), CountsOfTheOpenActions(changes_));
  EXPECT_EQ(changes.table(kOpenDueCounts), changes_.table(kOpenDueCounts));
}

TEST(DueDayCountsTest, KeepsDaysInOrderAndDropsTheEmptyOnes) {
  DueDayCounts counts;
  counts.Add({2026, 3, 5}, 1);
  counts.Add({2026, 1, 31}, 2);
  counts.Add({2026, 3, 5}, 1);
  counts.Add({2026, 2, 1}, 1);
  counts.Add({2026, 2, 1}, -1);
  EXPECT_EQ(counts.Days(), (std::vector<DueDayCounts::Day>{{{2026, 1, 31}, 2}, {{2026, 3, 5}, 2}}));
  counts.Add({2026, 1, 31}, -2);
  counts.Add({2026, 3, 5}, -2);
  EXPECT_TRUE(counts.empty());
}

TEST(DueDayCountsTest, SumsTheDaysFromTheFirstUpToTheLastExcluded) {
  DueDayCounts counts;
  counts.Add({2026, 2, 28}, 1);
  counts.Add({2026, 3, 1}, 2);
  counts.Add({2026, 3, 2}, 4);
  counts.Add({2026, 3, 9}, 8);
  counts.Add({2026, 3, 10}, 16);
  EXPECT_EQ(counts.Sum({1, 1, 1}, {2026, 3, 2}), 3);       // before 03-02
  EXPECT_EQ(counts.Sum({2026, 3, 2}, {2026, 3, 10}), 12);  // 03-02 .. 03-09
  EXPECT_EQ(counts.Sum({2026, 3, 11}, {2026, 4, 1}), 0);
  EXPECT_EQ(DueDayCounts().Sum({1, 1, 1}, {9999, 12, 31}), 0);
}

TEST(DueDayCountsTest, ReadsBackWhatItWrites) {
  DueDayCounts counts;
  counts.Add({1969, 12, 31}, 3);  // before the epoch: a negative day number
  counts.Add({2026, 3, 2}, 1);
  counts.Add({2027, 1, 1}, 5'000'000'000);
  const std::string bytes = counts.SerializeAsString();
  EXPECT_EQ(bytes.size(), 36u);
  DueDayCounts read;
  ASSERT_TRUE(read.ParseFromString(bytes));
  EXPECT_EQ(read.Days(), counts.Days());
}

TEST(DueDayCountsTest, RefusesBytesThatAreNotDaysInOrder) {
  DueDayCounts counts;
  counts.Add({2026, 3, 2}, 1);
  counts.Add({2026, 3, 3}, 1);
  const std::string bytes = counts.SerializeAsString();
  DueDayCounts read;
  EXPECT_FALSE(read.ParseFromString(bytes.substr(0, 13)));                     // not whole days
  EXPECT_FALSE(read.ParseFromString(bytes.substr(12) + bytes.substr(0, 12)));  // out of order
  EXPECT_TRUE(read.empty());
}

TEST_F(GoldenReadModelTest, AMovedDeadlineMovesItsCount) {
  const Counts counts = StoredCounts(changes_);
  // A3 (olga, review R1) was due 02-10, then 02-20, now 02-25.
  for (const std::string& scope : {TenantScope(), ReviewScope(Id("R1")), OwnerScope("olga")}) {
    EXPECT_FALSE(counts.contains(DayOf("acme", scope, "20260210"))) << scope;
    EXPECT_FALSE(counts.contains(DayOf("acme", scope, "20260220"))) << scope;
    EXPECT_EQ(counts.at(DayOf("acme", scope, "20260225")), 1) << scope;
  }
}

TEST_F(GoldenReadModelTest, AnOwnerChangeMovesTheCountToTheNewOwner) {
  const Counts counts = StoredCounts(changes_);
  // A6 went from olga to oscar, due 04-30.
  EXPECT_FALSE(counts.contains(DayOf("acme", OwnerScope("olga"), "20260430")));
  EXPECT_EQ(counts.at(DayOf("acme", OwnerScope("oscar"), "20260430")), 1);
  EXPECT_EQ(counts.at(DayOf("acme", TenantScope(), "20260430")), 1);
}

TEST_F(GoldenReadModelTest, ClosedAndCancelledActionsLeaveNoCountBehind) {
  const Counts counts = StoredCounts(changes_);
  // A1 (olga, 01-30) and A2 (oscar, 01-15) closed, A7 (oscar, 03-20) cancelled: each was alone on
  // its day in every scope, so the scopes' days are left empty and have no record.
  for (const auto& [owner, day] : {std::pair<std::string, const char*>{"olga", "20260130"},
                                   {"oscar", "20260115"},
                                   {"oscar", "20260320"}}) {
    for (const std::string& scope : {TenantScope(), ReviewScope(Id("R1")), OwnerScope(owner)}) {
      EXPECT_FALSE(counts.contains(DayOf("acme", scope, day))) << scope << " " << day;
    }
  }
  for (const auto& [key, count] : counts) EXPECT_GT(count, 0) << key;
}

TEST_F(GoldenReadModelTest, AScopeLeftWithoutOpenActionsHasNoRecord) {
  // globex has one open action, G1: cancelling it empties the tenant's, the review's and the
  // owner's counts.
  const std::string& g1 = Id("G1");
  const auto g1_key = Key({"globex", g1});
  v1::ActionView before;
  ASSERT_TRUE(before.ParseFromString(changes_.table(kActions).at(g1_key)));
  const auto records_of_globex = [&] {
    int records = 0;
    for (const auto& [key, value] : changes_.table(kOpenDueCounts)) {
      if (key.starts_with(Prefix({"globex"}))) ++records;
    }
    return records;
  };
  ASSERT_EQ(records_of_globex(), 3);  // T, R.<review>, O.<owner>
  v1::EventEnvelope cancelled;
  cancelled.set_tenant_id("globex");
  cancelled.set_aggregate_type(v1::AGGREGATE_TYPE_ACTION);
  cancelled.set_aggregate_id(g1);
  cancelled.set_aggregate_version(before.version() + 1);
  cancelled.mutable_action_cancelled()->set_action_id(g1);
  cancelled.mutable_action_cancelled()->set_reason("superseded");
  ASSERT_TRUE(projection_.Apply({0, 1000}, cancelled, changes_).ok());
  ASSERT_TRUE(projection_.Flush(changes_).ok());
  EXPECT_EQ(records_of_globex(), 0);
  auto dashboard = queries_.GetDashboard("globex", "", "", kToday);
  ASSERT_TRUE(dashboard.ok()) << dashboard.status();
  EXPECT_EQ(dashboard->overdue() + dashboard->due_within_7_days(), 0);
}

TEST_F(GoldenReadModelTest, ARejectedClosureKeepsTheActionCountedUntilItCloses) {
  const std::string a2_day = DayOf("acme", OwnerScope("oscar"), "20260115");
  const std::string& a2 = Id("A2");
  const auto is_a2 = [&](const v1::EventEnvelope& event, v1::EventEnvelope::PayloadCase payload) {
    return event.payload_case() == payload && domain::ActionIdOf(event) == a2;
  };
  // Closure requested: still open (not final), counted.
  EXPECT_EQ(CountsUntil(scenario_,
                        [&](const v1::EventEnvelope& event) {
                          return is_a2(event, v1::EventEnvelope::kClosureRequested);
                        })
                .at(a2_day),
            1);
  // Rejected: back in progress, still counted.
  EXPECT_EQ(CountsUntil(scenario_,
                        [&](const v1::EventEnvelope& event) {
                          return is_a2(event, v1::EventEnvelope::kClosureRejected);
                        })
                .at(a2_day),
            1);
  // Approved: closed, gone.
  EXPECT_FALSE(CountsUntil(scenario_, [&](const v1::EventEnvelope& event) {
                 return is_a2(event, v1::EventEnvelope::kClosureApproved);
               }).contains(a2_day));
}

TEST_F(GoldenReadModelTest, DashboardsCountTheSameAsTheOpenActionsOnEveryDay) {
  // Overdue (open, due before today) and due soon (today .. today + 7), counted from the actions'
  // views, for every scope and every "today" around the scenario's due dates.
  const Counts open_actions = CountsOfTheOpenActions(changes_);
  const auto count_open = [&](const std::string& scope, const domain::CivilDate& from,
                              const domain::CivilDate& to) {
    const std::string low = Key({"acme", scope, DayKey(from)});
    const std::string high = Key({"acme", scope, DayKey(to)});
    int64_t count = 0;
    for (const auto& [key, actions] : open_actions) {
      if (key >= low && key < high) count += actions;
    }
    return count;
  };
  struct Scope {
    std::string review_id;
    std::string owner_id;
    std::string key;
  };
  const std::vector<Scope> scopes = {{"", "", TenantScope()},
                                     {Id("R1"), "", ReviewScope(Id("R1"))},
                                     {Id("R2"), "", ReviewScope(Id("R2"))},
                                     {"", "olga", OwnerScope("olga")},
                                     {"", "oscar", OwnerScope("oscar")},
                                     {"", "paula", OwnerScope("paula")}};
  for (domain::CivilDate today{2026, 1, 1}; today <= domain::CivilDate{2026, 5, 10};
       today = today.AddDays(1)) {
    for (const Scope& scope : scopes) {
      auto dashboard = queries_.GetDashboard("acme", scope.review_id, scope.owner_id, today);
      ASSERT_TRUE(dashboard.ok()) << dashboard.status();
      EXPECT_EQ(dashboard->overdue(), count_open(scope.key, {1970, 1, 1}, today))
          << scope.key << " " << today.ToString();
      EXPECT_EQ(dashboard->due_within_7_days(), count_open(scope.key, today, today.AddDays(8)))
          << scope.key << " " << today.ToString();
    }
  }
}

}  // namespace
}  // namespace reviewtrail::readmodel::testing
