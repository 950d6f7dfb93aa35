#include "reviewtrail/events/event_selector.h"

#include <gtest/gtest.h>

namespace reviewtrail::events {
namespace {

v1::EventEnvelope Assigned(const std::string& action, const std::string& review) {
  v1::EventEnvelope e;
  e.mutable_action_assigned()->set_action_id(action);
  e.mutable_action_assigned()->set_review_id(review);
  return e;
}

v1::EventEnvelope Progress(const std::string& action) {
  v1::EventEnvelope e;
  e.mutable_progress_reported()->set_action_id(action);
  return e;
}

TEST(EventSelectorTest, KnowsEveryPayloadOfTheEnvelope) {
  const std::vector<std::string> types = EventSelector::KnownEventTypes();
  EXPECT_EQ(types.size(),
            static_cast<size_t>(
                v1::EventEnvelope::descriptor()->FindOneofByName("payload")->field_count()));
  EXPECT_NE(std::find(types.begin(), types.end(), "reviewtrail.v1.EscalationRaised"), types.end());
}

TEST(EventSelectorTest, NamesEachUnknownTypeByItsIndex) {
  v1::SubscribeRequest request;
  request.add_event_types("reviewtrail.v1.ClosureApproved");
  request.add_event_types("Closure");
  request.add_event_types("reviewtrail.v1.EventEnvelope");
  auto selector = EventSelector::FromRequest(request);
  ASSERT_FALSE(selector.ok());
  ASSERT_EQ(selector.error().violations.size(), 2u);
  EXPECT_EQ(selector.error().violations[0].field, "event_types[1]");
  EXPECT_EQ(selector.error().violations[1].field, "event_types[2]");
  EXPECT_NE(selector.error().violations[0].description.find("ActionAssigned"), std::string::npos);
}

TEST(EventSelectorTest, AReviewFilterFollowsTheActionsAssignedInTheReview) {
  v1::SubscribeRequest request;
  request.set_review_id("rev-1");
  auto selector = EventSelector::FromRequest(request);
  ASSERT_TRUE(selector.ok());
  EventSelector s = std::move(selector).value();
  EXPECT_TRUE(s.NeedsHistory());
  EXPECT_FALSE(s.Select(Progress("act-1")));  // not yet known to be of rev-1
  EXPECT_TRUE(s.Select(Assigned("act-1", "rev-1")));
  EXPECT_FALSE(s.Select(Assigned("act-2", "rev-2")));
  EXPECT_TRUE(s.Select(Progress("act-1")));
  EXPECT_FALSE(s.Select(Progress("act-2")));
}

TEST(EventSelectorTest, WithoutFiltersEverythingIncludingUnknownPayloadsIsSelected) {
  auto selector = EventSelector::FromRequest({});
  ASSERT_TRUE(selector.ok());
  EventSelector s = std::move(selector).value();
  EXPECT_FALSE(s.NeedsHistory());
  EXPECT_TRUE(s.Select(v1::EventEnvelope()));  // a payload this build does not know
  EXPECT_TRUE(s.Select(Progress("act-9")));
}

}  // namespace
}  // namespace reviewtrail::events
