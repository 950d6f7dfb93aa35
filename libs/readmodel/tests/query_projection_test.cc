#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "readmodel_fixture.h"
#include "reviewtrail/readmodel/action_fold.h"
#include "reviewtrail/readmodel/due_day_counts.h"
#include "reviewtrail/readmodel/keys.h"

namespace reviewtrail::readmodel::testing {
namespace {

using ::testing::HasSubstr;

TEST_F(GoldenReadModelTest, RedeliveredEventsAreAppliedOnce) {
  const auto before = changes_.tables();
  ApplyAll(changes_);  // every event again, as a retried produce could repeat them
  EXPECT_EQ(changes_.tables(), before);
}

TEST_F(GoldenReadModelTest, EventsRedeliveredWithinOneBatchAreAppliedOnce) {
  QueryProjection projection{runtime::TenantTimeZones()};
  projection::MemoryChanges changes;
  int64_t offset = 0;
  for (const v1::EventEnvelope& event : scenario_.events) {
    ASSERT_TRUE(projection.Apply({0, offset}, event, changes).ok());
    ASSERT_TRUE(projection.Apply({0, offset}, event, changes).ok());  // a retried produce
    ++offset;
  }
  ASSERT_TRUE(projection.Flush(changes).ok());
  EXPECT_EQ(changes.tables(), changes_.tables());
}

TEST_F(GoldenReadModelTest, EveryCutIntoTwoBatchesGivesTheSameReadModel) {
  const size_t events = scenario_.events.size();
  for (size_t cut = 1; cut < events; ++cut) {
    QueryProjection projection{runtime::TenantTimeZones()};
    projection::MemoryChanges changes;
    for (size_t i = 0; i < events; ++i) {
      ASSERT_TRUE(
          projection.Apply({0, static_cast<int64_t>(i)}, scenario_.events[i], changes).ok());
      if (i + 1 == cut) {
        ASSERT_TRUE(projection.Flush(changes).ok());
      }
    }
    ASSERT_TRUE(projection.Flush(changes).ok());
    ASSERT_EQ(changes.tables(), changes_.tables()) << "batches cut after event " << cut;
  }
}

TEST_F(GoldenReadModelTest, ReassignmentMovesTheOwnerIndexEntries) {
  const auto& by_owner = changes_.table(kActionsByOwner);
  EXPECT_FALSE(by_owner.contains(Key({"acme", "olga", Id("A6")})));
  EXPECT_TRUE(by_owner.contains(Key({"acme", "oscar", Id("A6")})));
  // A6, due 2026-04-30, is counted among oscar's open actions, no longer among olga's.
  const auto due_on_april_30 = [&](const std::string& owner) {
    DueDayCounts counts;
    EXPECT_TRUE(counts.ParseFromString(
        changes_.table(kOpenDueCounts).at(Key({"acme", OwnerScope(owner)}))));
    const domain::CivilDate day{2026, 4, 30};
    return counts.Sum(day, day.AddDays(1));
  };
  EXPECT_EQ(due_on_april_30("oscar"), 1);
  EXPECT_EQ(due_on_april_30("olga"), 0);
}

TEST_F(GoldenReadModelTest, TheOwnerIndexHoldsEveryActionsCurrentViewAfterEveryEvent) {
  projection::MemoryChanges changes;
  ApplyEachCommitted(changes, [&](const v1::EventEnvelope&, int64_t offset) {
    std::map<std::string, std::string> expected;  // owner index key -> the action's view
    for (const auto& [key, value] : changes.table(kActions)) {
      v1::ActionView action;
      ASSERT_TRUE(action.ParseFromString(value));
      if (action.owner_id().empty()) continue;
      const std::string tenant = key.substr(0, key.find('\0'));
      expected[Key({tenant, action.owner_id(), action.action_id()})] = value;
    }
    const auto& by_owner = changes.table(kActionsByOwner);
    const std::map<std::string, std::string> held(by_owner.begin(), by_owner.end());
    ASSERT_EQ(held, expected) << "after event " << offset + 1;
  });
}

TEST_F(GoldenReadModelTest, FinalActionsLeaveTheDueDateIndex) {
  const auto& due = changes_.table(kOpenActionsByDue);
  for (const char* final_action : {"A1", "A2", "A7"}) {
    for (const auto& [key, value] : due) {
      EXPECT_NE(LastComponent(key), Id(final_action)) << final_action;
    }
  }
  // 6 open actions for acme, 1 for globex, each once: the index lists the tenant's actions.
  EXPECT_EQ(due.size(), 7u);
  for (const auto& [key, value] : due) {
    const std::string tenant = key.substr(0, key.find('\0'));
    EXPECT_TRUE(key.starts_with(Prefix({tenant, TenantScope()}))) << key;
  }
}

TEST_F(GoldenReadModelTest, HistoryRecordsWhoWhenAndWhatChanged) {
  const auto detail = queries_.GetAction("acme", Id("A2"), kToday);
  ASSERT_TRUE(detail.ok()) << detail.status();
  std::vector<std::string> changes;
  for (const auto& entry : detail->history()) changes.push_back(entry.change());
  ASSERT_EQ(detail->history_size(), 7);
  EXPECT_EQ(detail->history(0).event_type(), "ActionAssigned");  // as the audit log spells it
  EXPECT_EQ(detail->history(0).actor_id(), "mia");
  EXPECT_EQ(changes[0], "assigned to oscar, due 2026-01-15");
  EXPECT_THAT(changes[1], HasSubstr("status OPEN -> IN_PROGRESS"));
  EXPECT_EQ(changes[3],
            "closure rejected (evidence incomplete); status CLOSURE_REQUESTED -> IN_PROGRESS");
  EXPECT_EQ(detail->history(3).actor_id(), "mia");
  EXPECT_EQ(changes[6], "closure approved; status CLOSURE_REQUESTED -> CLOSED");
  for (int i = 0; i < detail->history_size(); ++i) {
    EXPECT_EQ(detail->history(i).version(), i + 1);
  }
  const auto a3 = queries_.GetAction("acme", Id("A3"), kToday);
  ASSERT_TRUE(a3.ok());
  EXPECT_EQ(a3->history(1).change(), "due date 2026-02-10 -> 2026-02-20 (supplier late)");
  const auto a6 = queries_.GetAction("acme", Id("A6"), kToday);
  ASSERT_TRUE(a6.ok());
  EXPECT_EQ(a6->history(1).change(), "owner olga -> oscar (workload)");
}

TEST_F(GoldenReadModelTest, EachActionHasOneHistoryRecordWithAnEntryPerVersion) {
  const auto& views = changes_.table(kActions);
  const auto& histories = changes_.table(kActionHistory);
  ASSERT_EQ(histories.size(), views.size());
  for (const auto& [key, value] : views) {
    v1::ActionView view;
    ASSERT_TRUE(view.ParseFromString(value));
    v1::ActionDetail history;
    ASSERT_TRUE(history.ParseFromString(histories.at(key))) << key;
    EXPECT_FALSE(history.has_action()) << key;
    ASSERT_EQ(history.history_size(), view.version()) << key;
    for (int i = 0; i < history.history_size(); ++i) {
      EXPECT_EQ(history.history(i).version(), i + 1) << key;
    }
    EXPECT_EQ(histories.at(key), history.SerializeAsString()) << key;  // canonical bytes
  }
}

TEST_F(GoldenReadModelTest, DecisionsCountTheirActions) {
  const auto review = queries_.GetReview("acme", Id("R1"));
  ASSERT_TRUE(review.ok()) << review.status();
  ASSERT_EQ(review->decisions_size(), 3);
  EXPECT_EQ(review->decisions(0).action_count(), 4);  // D1: A1 A2 A6 A7
  EXPECT_EQ(review->decisions(1).action_count(), 4);  // D2: A3 A4 A5 A8
  EXPECT_EQ(review->decisions(2).action_count(), 0);  // D3
}

TEST_F(GoldenReadModelTest, FlushingAfterEveryEventEqualsFlushingOnceAtTheEnd) {
  projection::MemoryChanges one_by_one;
  ApplyEachCommitted(one_by_one, [](const v1::EventEnvelope&, int64_t) {});
  EXPECT_EQ(one_by_one.tables(), changes_.tables());
  EXPECT_FALSE(changes_.table(kDashboardCounters).empty());
}

TEST_F(GoldenReadModelTest, DiscardForgetsWhatABatchKeptInMemory) {
  QueryProjection projection{runtime::TenantTimeZones()};
  projection::MemoryChanges changes;
  int64_t offset = 0;
  for (const v1::EventEnvelope& event : scenario_.events) {
    ASSERT_TRUE(projection.Apply({0, offset++}, event, changes).ok());
  }
  projection.Discard();
  ASSERT_TRUE(projection.Flush(changes).ok());
  EXPECT_TRUE(changes.table(kDashboardCounters).empty());
  EXPECT_TRUE(changes.table(kActions).empty());
  EXPECT_TRUE(changes.table(kActionsByOwner).empty());
  EXPECT_TRUE(changes.table(kOpenDueCounts).empty());
}

TEST(QueryProjectionTest, IgnoresEventsItDoesNotHandle) {
  QueryProjection projection{runtime::TenantTimeZones()};
  projection::MemoryChanges changes;
  v1::EventEnvelope event;
  event.set_tenant_id("acme");  // no payload: a newer schema's event
  ASSERT_TRUE(projection.Apply({0, 0}, event, changes).ok());
  EXPECT_TRUE(changes.tables().empty());
}

}  // namespace
}  // namespace reviewtrail::readmodel::testing
