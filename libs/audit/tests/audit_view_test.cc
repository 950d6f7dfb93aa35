// The audit store's reading side (AuditView) over a MemoryReadView: no database. The service tests
// (services/audit) read the same through a RocksDB snapshot and tamper with the real store.
#include "reviewtrail/audit/audit_view.h"

#include <gtest/gtest.h>

#include "reviewtrail/audit/audit_projection.h"
#include "reviewtrail/audit/canonical.h"
#include "reviewtrail/audit/export_filter.h"
#include "reviewtrail/audit/worker_pool.h"
#include "reviewtrail/projection/read_view.h"
#include "reviewtrail/runtime/clock.h"
#include "test_events.h"

namespace reviewtrail::audit {
namespace {

using testing::EventFactory;

class AuditViewTest : public ::testing::Test {
 protected:
  AuditViewTest() {
    Apply(acme_.Review("r1", "Q4"));                             // 1
    Apply(acme_.Assign("r1", "d1", "a1", "train", "olga", 20));  // 2
    Apply(acme_.Assign("r1", "d1", "a2", "audit", "olga", 21));  // 3
    Apply(acme_.Progress("a1", "olga", "half", 50));             // 4
    Apply(acme_.Progress("a2", "olga", "begun", 10));            // 5
  }
  void Apply(const v1::EventEnvelope& event) {
    ASSERT_TRUE(projection_.Apply({0, offset_++}, event, changes_).ok());
  }

  runtime::FakeClock clock_{std::chrono::system_clock::time_point{}};
  EventFactory acme_{clock_, "acme"};
  projection::MemoryChanges changes_;
  AuditProjection projection_;
  int64_t offset_ = 0;
  projection::MemoryReadView read_{changes_};
  AuditView view_{read_};
};

TEST_F(AuditViewTest, TheHeadIsTheLastEntryOrGenesisForAnEmptyChain) {
  const Head head = *view_.LoadHead("acme");
  EXPECT_EQ(head.sequence, 5);
  EXPECT_EQ(head.hash, view_.LoadEntry("acme", 5)->hash);
  const Head none = *view_.LoadHead("globex");
  EXPECT_EQ(none.sequence, 0);
  EXPECT_EQ(none.hash, kGenesisHash);
}

TEST_F(AuditViewTest, AMissingEntryIsNotFoundAndADamagedOneDataLoss) {
  EXPECT_EQ(view_.LoadEntry("acme", 6).status().code(), absl::StatusCode::kNotFound);
  changes_.Put(kEntries, EntryKey("acme", 2), "damaged");
  EXPECT_EQ(view_.LoadEntry("acme", 2).status().code(), absl::StatusCode::kDataLoss);
  changes_.Put(kHeads, "acme", "damaged");
  EXPECT_EQ(view_.LoadHead("acme").status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(AuditViewTest, IndexedGivesAnActionsEntriesWithTheirEventsInChainOrder) {
  const std::vector<AuditView::Record> records = *view_.Indexed("acme", IndexKind::kAction, "a1");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].entry.sequence, 2);
  EXPECT_EQ(records[1].entry.sequence, 4);
  EXPECT_TRUE(records[0].event.has_action_assigned());
  EXPECT_EQ(records[1].event.progress_reported().percent_complete(), 50);
  EXPECT_EQ(view_.Indexed("acme", IndexKind::kReview, "r1")->size(), 5u);
  EXPECT_TRUE(view_.Indexed("acme", IndexKind::kAction, "a9")->empty());
}

TEST_F(AuditViewTest, IndexedRefusesAStoredEventThatNoLongerMatchesItsEntry) {
  changes_.Put(kEvents, EntryKey("acme", 4), "altered");
  EXPECT_EQ(view_.Indexed("acme", IndexKind::kAction, "a1").status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_TRUE(view_.Indexed("acme", IndexKind::kAction, "a2").ok());
}

TEST_F(AuditViewTest, LastIndexedIsTheLatestEntryOfAnActionOrReview) {
  const Head last = *view_.LastIndexed("acme", IndexKind::kAction, "a1");
  EXPECT_EQ(last.sequence, 4);
  EXPECT_EQ(last.hash, view_.LoadEntry("acme", 4)->hash);
  EXPECT_EQ(view_.LastIndexed("acme", IndexKind::kReview, "r1")->sequence, 5);
  EXPECT_EQ(view_.LastIndexed("acme", IndexKind::kAction, "a9")->sequence, 0);
}

TEST_F(AuditViewTest, VerifyChecksTheWholeChainAndNamesTheFirstEditedEntry) {
  WorkerPool pool(3);
  const AuditView::Verification intact = *view_.Verify("acme", 0, 0, &pool);
  EXPECT_FALSE(intact.broken.has_value());
  EXPECT_EQ(intact.checked, 5);
  EXPECT_EQ(intact.head.sequence, 5);

  Entry edited = *view_.LoadEntry("acme", 3);
  edited.summary = "something else";
  changes_.Put(kEntries, EntryKey("acme", 3), EncodeStored(edited));
  const AuditView::Verification broken = *view_.Verify("acme", 0, 0);
  ASSERT_TRUE(broken.broken.has_value());
  EXPECT_EQ(broken.broken->sequence, 3);
  EXPECT_EQ(broken.broken->reason, "HASH_MISMATCH");
}

TEST_F(AuditViewTest, VerifyNamesAnAlteredStoredEvent) {
  changes_.Put(kEvents, EntryKey("acme", 2), "altered");
  const AuditView::Verification altered = *view_.Verify("acme", 0, 0);
  ASSERT_TRUE(altered.broken.has_value());
  EXPECT_EQ(altered.broken->sequence, 2);
  EXPECT_EQ(altered.broken->reason, "EVENT_MISMATCH");
}

TEST_F(AuditViewTest, VerifyNamesAnEntryStoredPastTheHead) {
  changes_.Put(kEntries, EntryKey("acme", 6), *changes_.Get(kEntries, EntryKey("acme", 5)));
  const AuditView::Verification beyond = *view_.Verify("acme", 0, 0);
  ASSERT_TRUE(beyond.broken.has_value());
  EXPECT_EQ(beyond.broken->sequence, 6);
  EXPECT_EQ(beyond.broken->reason, "UNEXPECTED_ENTRY");
  // A range up to an entry before the head does not look past it.
  EXPECT_FALSE(view_.Verify("acme", 2, 4)->broken.has_value());
}

TEST_F(AuditViewTest, TimeSegmentIsTheFirstAndLastEntryRecordedInTheRange) {
  const Entry second = *view_.LoadEntry("acme", 2);
  const Entry fourth = *view_.LoadEntry("acme", 4);
  ExportFilter filter;
  filter.recorded_from = second.recorded_at;
  filter.recorded_until = fourth.recorded_at + 1;
  EXPECT_EQ(*view_.TimeSegment("acme", 5, filter), (std::pair<int64_t, int64_t>{2, 4}));
  EXPECT_EQ(*view_.TimeSegment("acme", 3, filter), (std::pair<int64_t, int64_t>{2, 3}));
  filter.recorded_from = fourth.recorded_at + 1000000000;
  filter.recorded_until = std::nullopt;
  EXPECT_EQ(*view_.TimeSegment("acme", 5, filter), (std::pair<int64_t, int64_t>{1, 0}));
}

}  // namespace
}  // namespace reviewtrail::audit
