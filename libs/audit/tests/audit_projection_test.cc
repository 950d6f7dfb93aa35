// The audit projection's rules, over MemoryChanges (no database): one sealed entry per event on its
// tenant's chain, the head, the indexes, the facts that fill in what an event names by id only,
// the links to the previous entry of a review and of an action, and refusals.
#include "reviewtrail/audit/audit_projection.h"

#include <gtest/gtest.h>

#include "reviewtrail/audit/canonical.h"
#include "reviewtrail/audit/store_keys.h"
#include "reviewtrail/digest/sha256.h"
#include "reviewtrail/projection/changes.h"
#include "reviewtrail/runtime/clock.h"
#include "test_events.h"

namespace reviewtrail::audit {
namespace {

using testing::EventFactory;

class AuditProjectionTest : public ::testing::Test {
 protected:
  void Apply(const v1::EventEnvelope& event) {
    ASSERT_TRUE(projection_.Apply({0, offset_++}, event, changes_).ok());
  }
  Entry EntryOf(const std::string& tenant, int64_t sequence) {
    const std::optional<std::string> stored = changes_.Get(kEntries, EntryKey(tenant, sequence));
    EXPECT_TRUE(stored.has_value()) << tenant << " " << sequence;
    return stored ? *DecodeStored(*stored) : Entry{};
  }
  Head HeadOf(const std::string& tenant) {
    return DecodeHead(changes_.Get(kHeads, tenant).value_or("")).value_or(Head{-1, ""});
  }

  runtime::FakeClock clock_{std::chrono::system_clock::time_point{}};
  EventFactory acme_{clock_, "acme"};
  EventFactory globex_{clock_, "globex"};
  projection::MemoryChanges changes_;
  AuditProjection projection_;
  int64_t offset_ = 0;
};

TEST_F(AuditProjectionTest, EachEventIsSealedOnItsTenantsChainAfterTheHead) {
  Apply(acme_.Review("r1", "Q4"));
  Apply(globex_.Review("g1", "Q4"));
  Apply(acme_.Decision("r1", "d1", "train"));
  const Entry first = EntryOf("acme", 1);
  const Entry second = EntryOf("acme", 2);
  EXPECT_EQ(first.prev_hash, kGenesisHash);
  EXPECT_EQ(second.prev_hash, first.hash);
  EXPECT_EQ(second.hash, ChainHash(second.prev_hash, CanonicalBytes(second)));
  EXPECT_EQ(second.log_offset, 2);
  EXPECT_EQ(HeadOf("acme").sequence, 2);
  EXPECT_EQ(HeadOf("acme").hash, second.hash);
  // Another tenant's chain starts from its own genesis.
  EXPECT_EQ(EntryOf("globex", 1).prev_hash, kGenesisHash);
  EXPECT_EQ(HeadOf("globex").sequence, 1);
}

TEST_F(AuditProjectionTest, TheStoredEventIsTheEnvelopeTheEntryHashes) {
  const v1::EventEnvelope review = acme_.Review("r1", "Q4");
  Apply(review);
  const std::string stored = *changes_.Get(kEvents, EntryKey("acme", 1));
  EXPECT_EQ(EntryOf("acme", 1).event_sha256, digest::Sha256Hex(stored));
  v1::EventEnvelope parsed;
  ASSERT_TRUE(parsed.ParseFromString(stored));
  EXPECT_EQ(parsed.event_id(), review.event_id());
}

TEST_F(AuditProjectionTest, AnActionsEventsAreIndexedUnderTheActionAndItsReview) {
  Apply(acme_.Review("r1", "Q4"));
  Apply(acme_.Assign("r1", "d1", "a1", "train", "olga", 20));
  Apply(acme_.Progress("a1", "olga", "half", 50));  // names the action only
  const Entry progress = EntryOf("acme", 3);
  EXPECT_EQ(progress.action_id, "a1");
  EXPECT_EQ(progress.review_id, "r1");  // from the fact the assignment left
  for (int64_t sequence : {2, 3}) {
    EXPECT_TRUE(changes_.Get(kIndex, IndexKey("acme", IndexKind::kAction, "a1", sequence)));
    EXPECT_TRUE(changes_.Get(kIndex, IndexKey("acme", IndexKind::kReview, "r1", sequence)));
  }
  EXPECT_TRUE(changes_.Get(kIndex, IndexKey("acme", IndexKind::kReview, "r1", 1)));
  EXPECT_FALSE(changes_.Get(kIndex, IndexKey("acme", IndexKind::kAction, "a1", 1)));
}

TEST_F(AuditProjectionTest, EntriesLinkToThePreviousEntryOfTheirReviewAndAction) {
  Apply(acme_.Review("r1", "Q4"));
  Apply(acme_.Review("r2", "Q1"));
  Apply(acme_.Assign("r1", "d1", "a1", "train", "olga", 20));
  Apply(acme_.Progress("a1", "olga", "half", 50));
  const Entry assigned = EntryOf("acme", 3);
  EXPECT_EQ(assigned.review_prev_sequence, 1);
  EXPECT_EQ(assigned.review_prev_hash, EntryOf("acme", 1).hash);
  EXPECT_EQ(assigned.action_prev_sequence, 0);
  EXPECT_EQ(assigned.action_prev_hash, "");
  const Entry progress = EntryOf("acme", 4);
  EXPECT_EQ(progress.review_prev_sequence, 3);
  EXPECT_EQ(progress.action_prev_sequence, 3);
  EXPECT_EQ(progress.action_prev_hash, assigned.hash);
  EXPECT_EQ(EntryOf("acme", 2).review_prev_sequence, 0);  // r2's first entry
}

TEST_F(AuditProjectionTest, ClosureEntriesCarryTheHashesOfTheirEvidence) {
  const std::string sha_a(64, 'a');
  const std::string sha_b(64, 'b');
  Apply(acme_.Assign("r1", "d1", "a1", "train", "olga", 20));
  Apply(acme_.Evidence("a1", "e1", sha_a));
  Apply(acme_.Evidence("a1", "e2", sha_b));
  Apply(acme_.RequestClosure("a1", "e2"));  // names e2 only
  Apply(acme_.Approve("a1"));               // every evidence of the action
  EXPECT_EQ(EntryOf("acme", 4).evidence_sha256, std::vector<std::string>{sha_b});
  EXPECT_EQ(EntryOf("acme", 5).evidence_sha256, (std::vector<std::string>{sha_a, sha_b}));
}

TEST_F(AuditProjectionTest, TheTenantsOwnEventsAreIndexedForItsTestClock) {
  v1::EventEnvelope advanced = acme_.Review("r1", "Q4");
  advanced.set_aggregate_type(v1::AGGREGATE_TYPE_TENANT);
  advanced.set_aggregate_id("acme");
  advanced.mutable_test_clock_advanced()->mutable_advanced_by()->set_seconds(86400);
  advanced.mutable_test_clock_advanced()->mutable_total_advance()->set_seconds(86400);
  Apply(advanced);
  EXPECT_TRUE(changes_.Get(kIndex, IndexKey("acme", IndexKind::kTenant, "acme", 1)));
}

TEST_F(AuditProjectionTest, AnEventWithoutAUsableTenantIsRefusedAndWritesNothing) {
  v1::EventEnvelope event = acme_.Review("r1", "Q4");
  event.set_tenant_id("");
  EXPECT_EQ(projection_.Apply({0, 1}, event, changes_).code(), absl::StatusCode::kInvalidArgument);
  event.set_tenant_id(std::string("ac\0me", 5));
  EXPECT_EQ(projection_.Apply({0, 2}, event, changes_).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(changes_.tables().empty());
}

TEST_F(AuditProjectionTest, ADamagedHeadStopsTheProjectionWithDataLoss) {
  changes_.Put(kHeads, "acme", "not a head");
  EXPECT_EQ(projection_.Apply({0, 1}, acme_.Review("r1", "Q4"), changes_).code(),
            absl::StatusCode::kDataLoss);
  EXPECT_TRUE(changes_.table(kEntries).empty());
}

TEST_F(AuditProjectionTest, ARecordThatDoesNotDecodeGetsAnEntryOfItsTenant) {
  projection::MemoryChanges changes;
  AuditProjection projection;
  eventlog::Record record{.position = {2, 7}, .key = "acme", .value = "\xff\xff not protobuf"};
  ASSERT_TRUE(*projection.ApplyUnknown(record, nullptr, changes));
  const auto& entries = changes.table(kEntries);
  ASSERT_EQ(entries.size(), 1u);
  const Entry entry = *DecodeStored(entries.begin()->second);
  EXPECT_EQ(entry.tenant_id, "acme");
  EXPECT_EQ(entry.sequence, 1);
  EXPECT_EQ(entry.log_partition, 2);
  EXPECT_EQ(entry.log_offset, 7);
  EXPECT_EQ(entry.event_type, "UndecodableRecord");
  EXPECT_EQ(entry.event_sha256, digest::Sha256Hex(record.value));
  EXPECT_EQ(changes.table(kEvents).begin()->second, record.value);
  // A record of no usable tenant is not anyone's: skipped, nothing written.
  projection::MemoryChanges none;
  EXPECT_FALSE(
      *projection.ApplyUnknown({.position = {0, 1}, .key = "", .value = "x"}, nullptr, none));
  EXPECT_TRUE(none.tables().empty());
}

}  // namespace
}  // namespace reviewtrail::audit
