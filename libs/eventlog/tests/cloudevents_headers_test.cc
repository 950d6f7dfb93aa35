#include "reviewtrail/eventlog/cloudevents_headers.h"

#include "gtest/gtest.h"
#include "test_support.h"

namespace reviewtrail::eventlog {
namespace {

TEST(CloudEventsHeadersTest, BinaryModeHeadersInOrder) {
  v1::EventEnvelope event = testing::MakeEvent("acme", "act-1", 3);
  event.mutable_occurred_at()->set_seconds(1'700'000'000);  // 2023-11-14T22:13:20Z
  event.mutable_occurred_at()->set_nanos(5'000'000);
  const Headers expected = {
      {"ce_specversion", "1.0"},
      {"ce_id", "acme/act-1/3"},
      {"ce_type", "reviewtrail.v1.ActionAssigned"},
      {"ce_source", "/reviewtrail/tenants/acme"},
      {"ce_time", "2023-11-14T22:13:20.005Z"},
      {"ce_subject", "act-1"},
      {"ce_dataschema", "type.googleapis.com/reviewtrail.v1.EventEnvelope"},
      {"content-type", "application/protobuf"},
  };
  EXPECT_EQ(CloudEventsHeaders(event), expected);
}

TEST(CloudEventsHeadersTest, TypeFollowsPayload) {
  v1::EventEnvelope event;
  event.mutable_closure_approved()->set_action_id("a");
  EXPECT_EQ(CloudEventsType(event), "reviewtrail.v1.ClosureApproved");
  event.mutable_person_registered()->set_person_id("p");
  EXPECT_EQ(CloudEventsType(event), "reviewtrail.v1.PersonRegistered");
}

TEST(CloudEventsHeadersTest, UnknownPayloadStillGetsAType) {
  v1::EventEnvelope event;
  // Field 99, length-delimited: a payload added by a newer build.
  ASSERT_TRUE(event.ParseFromString(std::string("\x0a\x01x\x9a\x06\x02hi", 8)));
  EXPECT_EQ(CloudEventsType(event), kUnknownPayloadCeType);
}

TEST(CloudEventsHeadersTest, OptionalAttributesLeftOutWhenUnset) {
  v1::EventEnvelope event;
  event.set_event_id("e");
  event.set_tenant_id("t");
  for (const auto& [name, value] : CloudEventsHeaders(event)) {
    EXPECT_NE(name, "ce_time");
    EXPECT_NE(name, "ce_subject");
    EXPECT_NE(name, "ce_traceparent");
  }
}

TEST(CloudEventsHeadersTest, TraceParentIsTheDistributedTracingExtension) {
  v1::EventEnvelope event = testing::MakeEvent("acme", "act-1", 3);
  event.set_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  const Headers headers = CloudEventsHeaders(event);
  ASSERT_GE(headers.size(), 3u);
  EXPECT_EQ(headers[headers.size() - 3],
            (std::pair<std::string, std::string>{
                "ce_traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}));
  EXPECT_EQ(headers[headers.size() - 2].first, "ce_dataschema");
  EXPECT_EQ(headers.back().first, "content-type");
}

TEST(CloudEventsHeadersTest, SourcePercentEncodesTenant) {
  EXPECT_EQ(CloudEventsSource("a b/c~d_e.f-9"), "/reviewtrail/tenants/a%20b%2Fc~d_e.f-9");
}

}  // namespace
}  // namespace reviewtrail::eventlog
