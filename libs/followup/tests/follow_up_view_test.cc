// FollowUpView over a MemoryReadView (no database): keys by tenant, damaged records, the outbox;
// the stored records' encodings; the overdue rule of a followed action.
#include "reviewtrail/followup/follow_up_view.h"

#include <gtest/gtest.h>

#include "reviewtrail/projection/read_view.h"

namespace reviewtrail::followup {
namespace {

DeliveryJob Job() {
  return DeliveryJob{.tenant_id = "acme",
                     .action_id = "act-9",
                     .title = "Patch the VPN",
                     .owner_id = "olga",
                     .due_date = {2026, 12, 15},
                     .level = 2,
                     .days = 14,
                     .recipient_id = "mark",
                     .channel = v1::NOTIFICATION_CHANNEL_EMAIL,
                     .command_id = "fu:e1.0:2026-12-15:act-9",
                     .event_id = "ev-1",
                     .recorded_at_ms = 1};
}

TEST(StoredRecordsTest, JobsRoundTripAndGarbageIsRejected) {
  const DeliveryJob job = Job();
  auto decoded = DecodeJob(Encode(job));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->command_id, job.command_id);
  EXPECT_EQ(decoded->due_date, job.due_date);
  EXPECT_EQ(decoded->channel, v1::NOTIFICATION_CHANNEL_EMAIL);
  EXPECT_FALSE(DecodeJob("{}").has_value());
  EXPECT_FALSE(DecodeAction("garbage").has_value());
  EXPECT_EQ(*SplitTenantKey(TenantKey("acme", "act-1")),
            std::make_pair(std::string("acme"), std::string("act-1")));
}

TEST(FollowUpViewTest, ActionKeysAreThoseOfTheTenantOrEveryTenant) {
  projection::MemoryChanges changes;
  for (const char* tenant : {"acme", "acme2", "globex"}) {
    changes.Put(kActionsTable, TenantKey(tenant, "act-1"),
                Encode(ActionFollowUp{.tenant_id = tenant, .action_id = "act-1"}));
  }
  projection::MemoryReadView read(changes);
  const FollowUpView view(read);
  EXPECT_EQ(*view.ActionKeys("acme"), std::vector<std::string>{TenantKey("acme", "act-1")});
  EXPECT_EQ(view.AllActionKeys()->size(), 3u);
  EXPECT_TRUE(view.ActionKeys("initech")->empty());
  EXPECT_EQ(view.Action(TenantKey("globex", "act-1"))->tenant_id, "globex");
}

TEST(FollowUpViewTest, ADamagedRecordReadsAsAbsentAndADamagedJobIsDataLoss) {
  projection::MemoryChanges changes;
  changes.Put(kActionsTable, TenantKey("acme", "act-1"), "garbage");
  changes.Put(kPersonsTable, TenantKey("acme", "olga"), "garbage");
  changes.Put(kClocksTable, "acme", "\xff\xff");
  changes.Put(kOutboxTable, TenantKey("acme", "cmd-1"), "garbage");
  changes.Put(kOutboxTable, TenantKey("acme", "cmd-2"), Encode(Job()));
  projection::MemoryReadView read(changes);
  const FollowUpView view(read);
  EXPECT_FALSE(view.Action(TenantKey("acme", "act-1")).has_value());
  EXPECT_FALSE(view.Person("acme", "olga").has_value());
  EXPECT_EQ(view.ClockAdvance("acme"), 0);
  EXPECT_EQ(view.Job(TenantKey("acme", "cmd-1")).status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ((*view.Job(TenantKey("acme", "cmd-2")))->command_id, Job().command_id);
  EXPECT_FALSE(view.Job(TenantKey("acme", "cmd-3"))->has_value());
  EXPECT_EQ(*view.OutboxKeys(),
            (std::vector<std::string>{TenantKey("acme", "cmd-1"), TenantKey("acme", "cmd-2")}));
}

TEST(FollowUpViewTest, AFollowedActionIsOverdueFromTheDayAfterItsDueDate) {
  const domain::CivilDate due{2026, 12, 15};
  EXPECT_FALSE(IsOverdue(due, {2026, 12, 15}));
  EXPECT_TRUE(IsOverdue(due, {2026, 12, 16}));
  EXPECT_FALSE(IsOverdue(domain::CivilDate{}, {2026, 12, 16}));  // no valid due date
}

}  // namespace
}  // namespace reviewtrail::followup
