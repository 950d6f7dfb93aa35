#include "reviewtrail/audit/canonical.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "reviewtrail/digest/sha256.h"
#include "status_matchers.h"
#include "test_entries.h"

namespace reviewtrail::audit {
namespace {

using ::reviewtrail::testing::IsError;

TEST(TimeTextTest, FormatsAndParsesRfc3339WithSixFractionalDigits) {
  EXPECT_EQ(FormatMicros(0), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(FormatMicros(1'795'424'400'123'456), "2026-11-23T09:00:00.123456Z");
  EXPECT_EQ(FormatMicros(-1), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(*ParseMicros("2026-11-23T09:00:00.123456Z"), 1'795'424'400'123'456);
  EXPECT_EQ(*ParseMicros("2024-02-29T23:59:59.000001Z"),
            *ParseMicros("2024-03-01T00:00:00.000000Z") - 999'999);
  EXPECT_THAT(ParseMicros("2026-02-30T00:00:00.000000Z"),
              IsError(absl::StatusCode::kInvalidArgument, "not an RFC 3339 UTC time"));
  EXPECT_THAT(ParseMicros("2026-11-23T09:00:00Z"),
              IsError(absl::StatusCode::kInvalidArgument, "not an RFC 3339 UTC time"));
}

TEST(CanonicalTest, WritesTheTagThenEveryFieldLengthPrefixedInOrder) {
  Entry entry;
  entry.tenant_id = "acme";
  entry.sequence = 7;
  entry.log_partition = 1;
  entry.log_offset = 42;
  entry.event_id = "e1";
  entry.occurred_at = 0;
  entry.recorded_at = 1;
  entry.actor_id = "zoë";  // 4 bytes in UTF-8
  entry.actor_roles = {"isms_manager", "auditor"};
  entry.aggregate_type = "action";
  entry.aggregate_id = "act-1";
  entry.aggregate_version = 3;
  entry.event_type = "ClosureApproved";
  entry.action_id = "act-1";
  entry.summary = "a\nb";
  entry.evidence_sha256 = {"x", "y"};
  entry.event_sha256 = "h";
  entry.action_prev_sequence = 5;
  entry.action_prev_hash = "p";
  const std::string v1_fields =
      "4:acme\n1:7\n1:1\n2:42\n2:e1\n"
      "27:1970-01-01T00:00:00.000000Z\n27:1970-01-01T00:00:00.000001Z\n4:zoë\n"
      "20:isms_manager,auditor\n6:action\n5:act-1\n1:3\n15:ClosureApproved\n0:\n5:act-1\n"
      "3:a\nb\n3:x,y\n1:h\n";
  // v2 (what new entries use): the v1 fields, then the review and action links.
  EXPECT_EQ(CanonicalBytes(entry), "20:reviewtrail-audit-v2\n" + v1_fields + "1:0\n0:\n1:5\n1:p\n");
  // v1 (entries stored before v2): the same without the links.
  entry.version = 1;
  EXPECT_EQ(CanonicalBytes(entry), "20:reviewtrail-audit-v1\n" + v1_fields);
}

TEST(CanonicalTest, HashIsSha256OfPrevHashDigitsThenCanonicalBytes) {
  const auto chain = testing::MakeChain(2);
  EXPECT_EQ(chain[0].prev_hash, kGenesisHash);
  EXPECT_EQ(chain[0].hash, digest::Sha256Hex(std::string(kGenesisHash) + CanonicalBytes(chain[0])));
  EXPECT_EQ(chain[1].prev_hash, chain[0].hash);
  EXPECT_EQ(chain[1].hash, digest::Sha256Hex(chain[0].hash + CanonicalBytes(chain[1])));
}

TEST(StoredFormTest, AV1EntryRoundTripsAsV1) {
  std::vector<Entry> chain = testing::MakeChain(3);
  for (Entry& entry : chain) entry.version = 1;
  testing::LinkAndSeal(chain);
  for (const Entry& entry : chain) {
    const std::string stored = EncodeStored(entry);
    EXPECT_EQ(stored.rfind("20:reviewtrail-audit-v1\n", 0), 0u);
    absl::StatusOr<Entry> decoded = DecodeStored(stored);
    ASSERT_TRUE(decoded.ok()) << decoded.status();
    EXPECT_EQ(decoded->version, 1);
    EXPECT_EQ(*decoded, entry);
    // A v1 entry holds no links: a stored v1 entry with v2's fields is refused.
    std::string longer = stored;
    longer.replace(0, 24, "20:reviewtrail-audit-v1\n");
    EXPECT_TRUE(DecodeStored(longer).ok());
    Entry as_v2 = entry;
    as_v2.version = 2;
    std::string mixed = EncodeStored(as_v2);
    mixed.replace(0, 24, "20:reviewtrail-audit-v1\n");
    EXPECT_THAT(DecodeStored(mixed), IsError(absl::StatusCode::kInvalidArgument,
                                             "expected 21 fields starting with the tag "
                                             "reviewtrail-audit-v1"));
  }
  // An unknown version tag is refused.
  std::string v3 = EncodeStored(chain[0]);
  v3.replace(0, 24, "20:reviewtrail-audit-v3\n");
  EXPECT_THAT(DecodeStored(v3), IsError(absl::StatusCode::kInvalidArgument,
                                        "does not start with a known version tag"));
}

TEST(StoredFormTest, RoundTripsAndRefusesDamage) {
  const Entry entry = testing::MakeChain(1)[0];
  const std::string stored = EncodeStored(entry);
  absl::StatusOr<Entry> decoded = DecodeStored(stored);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(*decoded, entry);
  EXPECT_THAT(DecodeStored(stored.substr(0, stored.size() - 1)),
              IsError(absl::StatusCode::kInvalidArgument, "bad framing"));
  EXPECT_THAT(DecodeStored(stored + "0:\n"),
              IsError(absl::StatusCode::kInvalidArgument, "fields starting with the tag"));
  EXPECT_THAT(DecodeStored("99999999999999999999:x\n"),
              IsError(absl::StatusCode::kInvalidArgument, "bad framing"));
  std::string renumbered = stored;
  renumbered.replace(renumbered.find("\n1:1\n"), 5, "\n2:01\n");  // leading zero
  EXPECT_THAT(DecodeStored(renumbered),
              IsError(absl::StatusCode::kInvalidArgument, "a number field is malformed"));
}

}  // namespace
}  // namespace reviewtrail::audit
