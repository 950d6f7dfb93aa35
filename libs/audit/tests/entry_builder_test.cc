#include "reviewtrail/audit/entry_builder.h"

#include <gtest/gtest.h>

#include "google/protobuf/util/time_util.h"
#include "reviewtrail/domain/evolve.h"

namespace reviewtrail::audit {
namespace {

using google::protobuf::util::TimeUtil;

v1::EventEnvelope Envelope() {
  v1::EventEnvelope event;
  event.set_event_id("evt-9");
  event.set_tenant_id("acme");
  event.set_aggregate_type(v1::AGGREGATE_TYPE_ACTION);
  event.set_aggregate_id("act-1");
  event.set_aggregate_version(4);
  *event.mutable_occurred_at() = TimeUtil::MicrosecondsToTimestamp(1'795'424'400'000'001);
  *event.mutable_recorded_at() = TimeUtil::MicrosecondsToTimestamp(1'795'424'400'000'002);
  event.mutable_actor()->set_person_id("olga");
  event.mutable_actor()->add_roles(v1::ROLE_ACTION_OWNER);
  return event;
}

TEST(EntryBuilderTest, CopiesTheEnvelopeAndTheContext) {
  v1::EventEnvelope event = Envelope();
  auto* evidence = event.mutable_evidence_attached();
  evidence->set_action_id("act-1");
  evidence->set_evidence_id("ev-1");
  evidence->set_kind(v1::EVIDENCE_KIND_TRAINING_RECORD);
  evidence->set_description("attendance list");
  evidence->set_uri("https://dms/ev-1.pdf");
  evidence->set_sha256(std::string(64, 'c'));
  evidence->set_size_bytes(1234);
  const Entry entry = BuildEntry(event, {.sequence = 5,
                                         .log_partition = 3,
                                         .log_offset = 77,
                                         .event_sha256 = std::string(64, 'e'),
                                         .review_id = "rev-1"});
  EXPECT_EQ(entry.tenant_id, "acme");
  EXPECT_EQ(entry.sequence, 5);
  EXPECT_EQ(entry.log_partition, 3);
  EXPECT_EQ(entry.log_offset, 77);
  EXPECT_EQ(entry.event_id, "evt-9");
  EXPECT_EQ(entry.occurred_at, 1'795'424'400'000'001);
  EXPECT_EQ(entry.recorded_at, 1'795'424'400'000'002);
  EXPECT_EQ(entry.actor_roles, std::vector<std::string>{"action_owner"});
  EXPECT_EQ(entry.aggregate_type, "action");
  EXPECT_EQ(entry.aggregate_version, 4);
  EXPECT_EQ(entry.event_type, "EvidenceAttached");
  EXPECT_EQ(entry.review_id, "rev-1");
  EXPECT_EQ(entry.action_id, "act-1");
  EXPECT_EQ(entry.evidence_sha256, std::vector<std::string>{std::string(64, 'c')});
  EXPECT_EQ(entry.summary,
            "attached evidence ev-1 (training record) to action act-1: \"attendance list\" at "
            "https://dms/ev-1.pdf, 1234 bytes, sha256 " +
                std::string(64, 'c'));
  EXPECT_TRUE(entry.hash.empty());
}

TEST(EntryBuilderTest, SummarisesDeadlineChangesWithBothDatesAndTheReason) {
  v1::EventEnvelope event = Envelope();
  auto* changed = event.mutable_action_deadline_changed();
  changed->set_action_id("act-1");
  changed->mutable_previous_due_date()->set_year(2026);
  changed->mutable_previous_due_date()->set_month(12);
  changed->mutable_previous_due_date()->set_day(1);
  changed->mutable_new_due_date()->set_year(2027);
  changed->mutable_new_due_date()->set_month(1);
  changed->mutable_new_due_date()->set_day(15);
  changed->set_reason("supplier late");
  EXPECT_EQ(Summarize(event, {}),
            "moved due date of action act-1 from 2026-12-01 to 2027-01-15; reason: \"supplier "
            "late\"");
  EXPECT_EQ(domain::ReviewIdOf(event), "");
  EXPECT_EQ(domain::ActionIdOf(event), "act-1");
}

TEST(EntryBuilderTest, ClosureRequestsCarryTheEvidenceHashesOfTheContext) {
  v1::EventEnvelope event = Envelope();
  event.mutable_closure_requested()->set_action_id("act-1");
  event.mutable_closure_requested()->add_evidence_ids("ev-1");
  const Entry entry = BuildEntry(event, {.sequence = 1, .evidence_sha256 = {std::string(64, 'd')}});
  EXPECT_EQ(entry.evidence_sha256, std::vector<std::string>{std::string(64, 'd')});
  EXPECT_EQ(entry.summary, "requested closure of action act-1 with evidence ev-1");
}

TEST(EntryBuilderTest, ATestClockAdvanceIsAnEntryOfTheTenant) {
  v1::EventEnvelope event = Envelope();
  event.set_aggregate_type(v1::AGGREGATE_TYPE_TENANT);
  event.set_aggregate_id("acme");
  event.mutable_test_clock_advanced()->mutable_advanced_by()->set_seconds(2 * 86'400 + 3600);
  event.mutable_test_clock_advanced()->mutable_total_advance()->set_seconds(9 * 86'400 + 3605);
  const Entry entry = BuildEntry(event, {.sequence = 3});
  EXPECT_EQ(entry.event_type, "TestClockAdvanced");
  EXPECT_EQ(entry.aggregate_type, "tenant");
  EXPECT_EQ(entry.action_id, "");
  EXPECT_EQ(entry.review_id, "");
  EXPECT_EQ(entry.summary, "advanced the sandbox test clock by 2d 1h 0m 0s (9d 1h 0m 5s in all)");
}

TEST(EntryBuilderTest, AnUnknownPayloadIsNamedUnknown) {
  const v1::EventEnvelope event = Envelope();
  EXPECT_EQ(EventTypeName(event), "Unknown");
  EXPECT_EQ(BuildEntry(event, {}).summary, "event of a type this build does not know");
}

}  // namespace
}  // namespace reviewtrail::audit
