// docs/asyncapi.yaml stays true: a message for every payload of EventEnvelope, and exactly the
// headers the log writes.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "reviewtrail/eventlog/cloudevents_headers.h"
#include "reviewtrail/events/event_selector.h"

namespace reviewtrail::events {
namespace {

std::string AsyncApi() {
  std::ifstream in(std::filesystem::path(REVIEWTRAIL_SOURCE_DIR) / "docs" / "asyncapi.yaml");
  EXPECT_TRUE(in.good());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(AsyncApiTest, DescribesEveryEventType) {
  const std::string doc = AsyncApi();
  for (const std::string& type : EventSelector::KnownEventTypes()) {
    const std::string name = type.substr(type.rfind('.') + 1);
    EXPECT_NE(doc.find("\n    " + name + ":\n      name: " + name + "\n"), std::string::npos)
        << "no components.messages." << name;
    EXPECT_NE(doc.find("const: " + type + "\n"), std::string::npos) << "no ce_type of " << name;
    EXPECT_NE(doc.find("$ref: '#/channels/events/messages/" + name + "'"), std::string::npos)
        << name << " is not in the receive operation";
  }
}

TEST(AsyncApiTest, ListsExactlyTheHeadersTheLogWrites) {
  const std::string doc = AsyncApi();
  const size_t start = doc.find("    CloudEventsHeaders:");
  ASSERT_NE(start, std::string::npos);
  const size_t end = doc.find("\n  messageTraits:", start);
  const std::string schema = doc.substr(start, end - start);
  v1::EventEnvelope event;  // every optional attribute set
  event.set_event_id("e");
  event.set_tenant_id("t");
  event.set_aggregate_id("act-1");
  event.mutable_occurred_at()->set_seconds(1);
  event.set_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  event.mutable_action_assigned()->set_action_id("act-1");
  size_t properties = 0;
  for (const auto& [name, value] : eventlog::CloudEventsHeaders(event)) {
    EXPECT_NE(schema.find("\n        " + name + ":\n"), std::string::npos) << name;
    ++properties;
  }
  size_t listed = 0;
  for (size_t at = schema.find("\n        "); at != std::string::npos;
       at = schema.find("\n        ", at + 1)) {
    if (schema.compare(at + 9, 1, " ") != 0) ++listed;  // a property, not one of its keys
  }
  EXPECT_EQ(listed, properties) << "the schema lists headers the log does not write";
  EXPECT_NE(schema.find(std::string("const: ") + eventlog::kDataSchema), std::string::npos);
}

}  // namespace
}  // namespace reviewtrail::events
