// Entries read in place (ViewStored) must give exactly what a full decode gives, and rows written
// from them must be byte for byte the rows written from the decoded entry.
#include "reviewtrail/audit/stored_view.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <random>

#include "reviewtrail/audit/canonical.h"
#include "reviewtrail/audit/export_encoders.h"
#include "reviewtrail/domain/civil_date.h"
#include "status_matchers.h"
#include "test_entries.h"

namespace reviewtrail::audit {
namespace {

using ::reviewtrail::testing::IsError;

// Entries with the texts an export has to get right: empty and one-element lists, lists with
// empty elements, quotes, separators, formula prefixes, control characters and UTF-8.
std::vector<Entry> AwkwardEntries() {
  std::vector<Entry> entries = testing::MakeChain(4);
  Entry& empty = entries[0];
  empty.actor_roles.clear();
  empty.evidence_sha256.clear();
  empty.review_id = "";
  empty.summary = "";
  Entry& odd = entries[1];
  odd.actor_roles = {"auditor"};
  odd.evidence_sha256 = {"", "x", ""};
  odd.summary = "=cmd|' /C calc'!A0, \"quoted\"\r\n\ttab \x01\x1f \\ back";
  odd.actor_id = "-1";
  odd.event_id = "@evt,1";
  odd.log_offset = 0;
  odd.aggregate_version = 0;
  Entry& far = entries[2];
  far.occurred_at = -1;
  far.recorded_at = 253'402'300'799'999'999;  // 9999-12-31T23:59:59.999999Z
  far.summary = "Zoë Ångström's \"plan\"";
  far.version = 1;  // stored before v2: no links
  far.review_prev_sequence = far.action_prev_sequence = 0;
  far.review_prev_hash.clear();
  far.action_prev_hash.clear();
  Entry& escaped = entries[3];  // every byte escaped at its longest
  escaped.summary = std::string(5000, '\x01');
  escaped.actor_id = std::string(300, '"');
  escaped.actor_roles = {std::string(200, '\x1f'), "", std::string(100, '\\')};
  escaped.event_id = "=" + std::string(400, '\n');
  std::string prev(kGenesisHash);
  for (Entry& entry : entries) {
    Seal(entry, prev);
    prev = entry.hash;
  }
  return entries;
}

TEST(StoredViewTest, ViewsTheSameFieldsAsADecode) {
  for (const Entry& entry : AwkwardEntries()) {
    const std::string stored = EncodeStored(entry);
    absl::StatusOr<StoredView> view = ViewStored(stored);
    ASSERT_TRUE(view.ok()) << view.status();
    EXPECT_TRUE(view->canonical);
    EXPECT_EQ(view->framed, CanonicalBytes(entry));
    EXPECT_EQ(view->sequence, entry.sequence);
    EXPECT_EQ(view->recorded_at, entry.recorded_at);
    EXPECT_EQ(view->prev_hash, entry.prev_hash);
    EXPECT_EQ(view->hash, entry.hash);
    const std::vector<std::string> values = CanonicalFieldValues(entry);
    ASSERT_EQ(values.size(), CanonicalFieldCount(entry.version));
    for (size_t i = 0; i < values.size(); ++i) EXPECT_EQ(view->fields[i], values[i]) << i;
    EXPECT_EQ(view->version, entry.version);
    const Entry back = ToEntry(*view);
    EXPECT_EQ(back.review_prev_sequence, entry.review_prev_sequence);
    EXPECT_EQ(back.review_prev_hash, entry.review_prev_hash);
    EXPECT_EQ(back.action_prev_sequence, entry.action_prev_sequence);
    EXPECT_EQ(back.action_prev_hash, entry.action_prev_hash);
    EXPECT_EQ(back.version, entry.version);
    EXPECT_EQ(back.evidence_sha256, entry.evidence_sha256);
    EXPECT_EQ(back.actor_roles, entry.actor_roles);
    EXPECT_EQ(back, entry);
  }
}

TEST(StoredViewTest, RefusesWhatADecodeRefusesWithTheSameError) {
  const std::string stored = EncodeStored(testing::MakeChain(1)[0]);
  std::string bad_number = stored;
  bad_number.replace(bad_number.find("\n1:1\n"), 5, "\n1:x\n");
  std::string bad_time = stored;
  bad_time.replace(bad_time.find("T09"), 3, "T24");
  for (const std::string& damaged :
       {stored.substr(0, stored.size() - 1), stored + "0:\n", std::string("9:x\n"),
        stored.substr(stored.find('\n') + 1), bad_number, bad_time}) {
    const absl::StatusOr<StoredView> view = ViewStored(damaged);
    ASSERT_THAT(view, IsError(absl::StatusCode::kInvalidArgument, "")) << damaged;
    EXPECT_EQ(view.status(), DecodeStored(damaged).status());
  }
}

TEST(StoredViewTest, ANonCanonicalNumberIsFlaggedAndDecodesToItsValue) {
  std::string stored = EncodeStored(testing::MakeChain(1)[0]);
  stored.replace(stored.find("\n1:1\n"), 5, "\n2:-0\n");  // the sequence
  absl::StatusOr<StoredView> view = ViewStored(stored);
  ASSERT_TRUE(view.ok()) << view.status();
  EXPECT_FALSE(view->canonical);
  EXPECT_EQ(view->sequence, 0);
  EXPECT_NE(CanonicalBytes(ToEntry(*view)).find("\n4:acme\n1:0\n"), std::string::npos);
}

TEST(StoredViewTest, RowsFromAViewAreTheRowsOfTheEntry) {
  for (const Entry& entry : AwkwardEntries()) {
    const std::string stored = EncodeStored(entry);
    const StoredView view = *ViewStored(stored);
    std::string from_entry;
    std::string from_view;
    AppendCsvRow(entry, from_entry);
    AppendCsvRow(view, from_view);
    EXPECT_EQ(from_view, from_entry);
    from_entry.clear();
    from_view.clear();
    AppendJsonLine(entry, from_entry);
    AppendJsonLine(view, from_view);
    EXPECT_EQ(from_view, from_entry);
  }
}

// The time text as first written, with snprintf.
std::string ReferenceTimeText(Micros micros) {
  const auto floor_div = [](int64_t a, int64_t b) { return a / b - (a % b < 0 ? 1 : 0); };
  const int64_t seconds = floor_div(micros, 1'000'000);
  const int64_t fraction = micros - seconds * 1'000'000;
  const int64_t days = floor_div(seconds, 86'400);
  const int64_t of_day = seconds - days * 86'400;
  const domain::CivilDate date = domain::CivilDate::FromDaysSinceEpoch(days);
  const int64_t year = date.year;
  const int64_t month = date.month;
  const int64_t day = date.day;
  char buffer[96];
  std::snprintf(buffer, sizeof(buffer), "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%06lldZ",
                static_cast<long long>(year), static_cast<long long>(month),
                static_cast<long long>(day), static_cast<long long>(of_day / 3600),
                static_cast<long long>(of_day / 60 % 60), static_cast<long long>(of_day % 60),
                static_cast<long long>(fraction));
  return buffer;
}

TEST(TimeTextTest, MatchesTheGeneralFormEverywhere) {
  std::mt19937_64 random(6);
  std::uniform_int_distribution<Micros> any(-400'000'000'000'000'000, 400'000'000'000'000'000);
  for (int i = 0; i < 100'000; ++i) {
    const Micros micros = i < 50'000 ? any(random) / 1000 : any(random);
    const std::string text = FormatMicros(micros);
    ASSERT_EQ(text, ReferenceTimeText(micros)) << micros;
    const absl::StatusOr<Micros> parsed = ParseMicros(text);
    if (text.size() == 27 && text[0] != '-') {  // years 0000 to 9999
      ASSERT_TRUE(parsed.ok()) << text;
      EXPECT_EQ(*parsed, micros);
    }
  }
}

TEST(TimeTextTest, ParsesExactlyTheValidDates) {
  // Every day of every month, valid or not, across leap and century years.
  for (int year : {1900, 1970, 2000, 2023, 2024, 2100, 9999}) {
    for (int month = 1; month <= 12; ++month) {
      for (int day = 0; day <= 32; ++day) {
        char text[32];
        std::snprintf(text, sizeof(text), "%04d-%02d-%02dT23:59:59.999999Z", year, month, day);
        const absl::StatusOr<Micros> parsed = ParseMicros(text);
        // A date it accepts reads back as itself through the general form.
        if (parsed.ok()) {
          EXPECT_EQ(ReferenceTimeText(*parsed), text);
        }
        const bool leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        const int days_in_month = month == 2 ? (leap ? 29 : 28)
                                  : (month == 4 || month == 6 || month == 9 || month == 11) ? 30
                                                                                            : 31;
        EXPECT_EQ(parsed.ok(), day >= 1 && day <= days_in_month) << text;
      }
    }
  }
}

}  // namespace
}  // namespace reviewtrail::audit
