#include "reviewtrail/cli/output_format.h"

#include <gtest/gtest.h>

namespace reviewtrail::cli {
namespace {

v1::CommandReply SampleReply() {
  v1::CommandReply reply;
  reply.set_aggregate_id("act-7c1");
  reply.set_version(3);
  reply.add_event_ids("evt-1");
  reply.add_event_ids("evt-2");
  reply.mutable_log_position()->set_partition(2);
  reply.mutable_log_position()->set_offset(17);
  return reply;
}

TEST(FormatReplyTextTest, IsOneSentenceWithPositionAndCommandId) {
  EXPECT_EQ(FormatReplyText("Assigned action", "", SampleReply(), "cmd-1"),
            "Assigned action act-7c1 (version 3) at log position 2:17; command id cmd-1");
}

TEST(FormatReplyTextTest, NamesARecordCreatedInsideTheAggregate) {
  v1::CommandReply reply = SampleReply();
  reply.set_aggregate_id("rev-1");
  reply.set_entity_id("dec-9");
  EXPECT_EQ(FormatReplyText("Recorded decision on review", "decision", reply, "cmd-1"),
            "Recorded decision on review rev-1 (version 3) at log position 2:17; decision dec-9; "
            "command id cmd-1");
}

TEST(ReplyToJsonTest, HasTheDocumentedShape) {
  const nlohmann::json expected = nlohmann::json::parse(R"({
    "aggregate_id": "act-7c1", "entity_id": "act-7c1", "version": 3, "event_ids": ["evt-1", "evt-2"],
    "log_position": {"partition": 2, "offset": 17}, "command_id": "cmd-1"})");
  EXPECT_EQ(ReplyToJson(SampleReply(), "cmd-1"), expected);
  EXPECT_EQ(ReplyToJson(v1::CommandReply(), "c")["event_ids"], nlohmann::json::array());
}

TEST(ErrorToJsonTest, HasTheDocumentedShape) {
  ErrorReport report;
  report.code = grpc::StatusCode::INVALID_ARGUMENT;
  report.message = "due_date must not be before today";
  report.field_violations.push_back({"due_date", "must not be before today (2026-11-23)"});
  report.precondition_violations.push_back({"ACTION_FINAL", "actions/act-1", "closed"});
  const nlohmann::json expected = nlohmann::json::parse(R"json({
    "error": {
      "code": "INVALID_ARGUMENT",
      "message": "due_date must not be before today",
      "field_violations": [{"field": "due_date",
                            "description": "must not be before today (2026-11-23)"}],
      "precondition_violations": [{"type": "ACTION_FINAL", "subject": "actions/act-1",
                                   "description": "closed"}]},
    "command_id": "cmd-2"})json");
  EXPECT_EQ(ErrorToJson(report, "cmd-2"), expected);
}

TEST(ErrorToJsonTest, AddsErrorInfoAndResourcesOnlyWhenPresent) {
  ErrorReport report;
  report.code = grpc::StatusCode::ABORTED;
  report.error_infos.push_back({"VERSION_CONFLICT", "reviewtrail.v1", {{"actual_version", "4"}}});
  const nlohmann::json json = ErrorToJson(report, "c");
  EXPECT_EQ(json["error"]["error_info"][0]["metadata"]["actual_version"], "4");
  EXPECT_FALSE(json["error"].contains("resource_info"));
}

}  // namespace
}  // namespace reviewtrail::cli
