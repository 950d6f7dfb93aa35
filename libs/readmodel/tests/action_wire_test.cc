#include "reviewtrail/readmodel/action_wire.h"

#include <gtest/gtest.h>

namespace reviewtrail::readmodel {
namespace {

using domain::CivilDate;

v1::ActionView FullView() {
  v1::ActionView view;
  view.set_action_id("act-1");
  view.set_review_id("rev-1");
  view.set_decision_id("dec-1");
  view.set_title(std::string(300, 't'));  // a length of more than one varint byte
  view.set_expected_outcome("all staff trained");
  view.set_completion_criteria("LMS export");
  view.set_owner_id("olga");
  *view.mutable_due_date() = CivilDate{2026, 12, 31}.ToProto();
  *view.mutable_original_due_date() = CivilDate{2026, 11, 30}.ToProto();
  view.set_status(v1::ACTION_STATUS_IN_PROGRESS);
  view.set_percent_complete(60);
  view.add_links()->set_ref("A.6.3");
  view.add_evidence()->set_uri("https://dms.example.com/doc/4802");
  view.mutable_assigned_at()->set_seconds(1'700'000'000);
  view.set_approver_id("dana");
  view.set_owner_changes(-1);  // a negative int32: ten bytes on the wire
  view.set_version(1LL << 40);
  return view;
}

TEST(ActionWireTest, DecodesTheFieldsTheFiltersRead) {
  const std::string stored = FullView().SerializeAsString();
  ActionListFields fields;
  ASSERT_TRUE(DecodeActionListFields(stored, fields));
  EXPECT_EQ(fields.review_id, "rev-1");
  EXPECT_EQ(fields.decision_id, "dec-1");
  EXPECT_EQ(fields.owner_id, "olga");
  EXPECT_EQ(fields.due, (CivilDate{2026, 12, 31}));
  EXPECT_EQ(fields.status, v1::ACTION_STATUS_IN_PROGRESS);
  EXPECT_FALSE(fields.has_overdue);
}

TEST(ActionWireTest, AbsentFieldsAreTheDefaults) {
  ActionListFields fields;
  ASSERT_TRUE(DecodeActionListFields("", fields));
  EXPECT_EQ(fields.owner_id, "");
  EXPECT_EQ(fields.due, (CivilDate{0, 0, 0}));
  EXPECT_FALSE(fields.due.IsValid());
  EXPECT_EQ(fields.status, v1::ACTION_STATUS_UNSPECIFIED);
}

TEST(ActionWireTest, RepeatedFieldsFollowProtobufsRules) {
  // Two views one after the other parse as one: the last scalar wins, the dates merge.
  v1::ActionView first = FullView();
  v1::ActionView second;
  second.set_owner_id("piet");
  second.set_status(v1::ACTION_STATUS_CLOSED);
  second.mutable_due_date()->set_day(5);
  second.set_overdue(true);
  const std::string stored = first.SerializeAsString() + second.SerializeAsString();
  v1::ActionView parsed;
  ASSERT_TRUE(parsed.ParseFromString(stored));

  ActionListFields fields;
  ASSERT_TRUE(DecodeActionListFields(stored, fields));
  EXPECT_EQ(fields.owner_id, parsed.owner_id());
  EXPECT_EQ(fields.status, parsed.status());
  EXPECT_EQ(fields.due, CivilDate::FromProto(parsed.due_date()));
  EXPECT_EQ(fields.due, (CivilDate{2026, 12, 5}));
  EXPECT_EQ(fields.review_id, parsed.review_id());
  EXPECT_TRUE(fields.has_overdue);
}

TEST(ActionWireTest, SkipsFieldsItDoesNotKnowOfEveryWireType) {
  std::string stored;
  stored += std::string("\xf8\x07\x2a", 3);                       // field 127, varint 42
  stored += std::string("\xf9\x07", 2) + std::string(8, '\x01');  // field 127, fixed64
  stored += std::string("\xfd\x07", 2) + std::string(4, '\x02');  // field 127, fixed32
  stored += std::string("\xfb\x07\x08\x01\xfc\x07", 6);           // group 127 holding a varint
  stored += std::string("\x38", 1);                               // owner_id as a varint:
  stored += std::string("\x05", 1);                               //   not a string, skipped
  stored += FullView().SerializeAsString();
  v1::ActionView parsed;
  ASSERT_TRUE(parsed.ParseFromString(stored));

  ActionListFields fields;
  ASSERT_TRUE(DecodeActionListFields(stored, fields));
  EXPECT_EQ(fields.owner_id, "olga");
  EXPECT_EQ(fields.due, (CivilDate{2026, 12, 31}));
}

TEST(ActionWireTest, RefusesBytesThatAreNotAMessage) {
  const std::string stored = FullView().SerializeAsString();
  ActionListFields fields;
  // Cut inside the long title, inside the version's varint, and an end of group without a start.
  EXPECT_FALSE(DecodeActionListFields(std::string_view(stored).substr(0, 40), fields));
  EXPECT_FALSE(
      DecodeActionListFields(std::string_view(stored).substr(0, stored.size() - 1), fields));
  EXPECT_FALSE(DecodeActionListFields(std::string("\x0c", 1), fields));
  EXPECT_FALSE(DecodeActionListFields(std::string("\x00\x01", 2), fields));      // field number 0
  EXPECT_FALSE(DecodeActionListFields(std::string("\x42\x02\x08", 3), fields));  // short date
}

TEST(ActionWireTest, APageIsWhatProtobufWouldSerialize) {
  v1::ActionView late = FullView();
  v1::ActionView on_time = FullView();
  on_time.set_action_id("act-2");
  std::string page;
  AppendListedAction(page, late.SerializeAsString(), true);
  AppendListedAction(page, on_time.SerializeAsString(), false);
  AppendNextPageToken(page, "token");

  v1::ListActionsResponse expected;
  late.set_overdue(true);
  *expected.add_actions() = late;
  *expected.add_actions() = on_time;
  expected.set_next_page_token("token");
  EXPECT_EQ(page, expected.SerializeAsString());

  std::string last_page;
  AppendListedAction(last_page, on_time.SerializeAsString(), false);
  AppendNextPageToken(last_page, "");
  v1::ListActionsResponse last;
  *last.add_actions() = on_time;
  EXPECT_EQ(last_page, last.SerializeAsString());
}

TEST(ActionWireTest, AHistoryRecordGrowsAsProtobufWouldSerializeIt) {
  v1::ActionDetail expected;
  std::string record;  // no history yet
  for (int64_t version = 1; version <= 3; ++version) {
    v1::HistoryEntry entry;
    entry.set_version(version);
    entry.set_event_id("evt-" + std::to_string(version));
    entry.set_change(std::string(200, 'x'));  // a length over one varint byte
    entry.mutable_occurred_at()->set_seconds(1'700'000'000 + version);
    AppendHistoryEntry(record, entry);
    *expected.add_history() = entry;
    EXPECT_EQ(record, expected.SerializeAsString()) << "after entry " << version;
  }
}

// Tags and lengths are read as protobuf reads them (found by tests/fuzz fuzz_action_wire): a tag
// of five bytes keeps its low 32 bits, whatever the fifth byte's high bits; a tag or a length of
// more than five bytes is refused, even when it pads a small value.
TEST(ActionWireTest, TagsAndLengthsOfFiveBytesOrMoreAreReadAsProtobufReadsThem) {
  // review_id, then an unknown fixed64 field whose 5-byte tag overflows 32 bits, then owner_id.
  const std::string five_byte_tag = std::string("\x12\x05rev-1", 7) +
                                    std::string("\xe9\xfa\xdc\x8b\x65", 5) + std::string(8, 'x') +
                                    std::string("\x3a\x04olga", 6);
  v1::ActionView parsed;
  ASSERT_TRUE(parsed.ParseFromString(five_byte_tag));
  ActionListFields fields;
  ASSERT_TRUE(DecodeActionListFields(five_byte_tag, fields));
  EXPECT_EQ(fields.review_id, "rev-1");
  EXPECT_EQ(fields.owner_id, "olga");

  // owner_id "olga" with its tag (58) padded to six bytes, then with its length padded so.
  const std::string six_byte_tag = std::string("\xba\x80\x80\x80\x80\x00\x04olga", 11);
  const std::string six_byte_length = std::string("\x3a\x84\x80\x80\x80\x80\x00olga", 11);
  for (const std::string& bytes : {six_byte_tag, six_byte_length}) {
    EXPECT_FALSE(v1::ActionView().ParseFromString(bytes));
    ActionListFields refused;
    EXPECT_FALSE(DecodeActionListFields(bytes, refused));
  }
}

}  // namespace
}  // namespace reviewtrail::readmodel
