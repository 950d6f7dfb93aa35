#include "reviewtrail/cli/sha256_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>

#include "reviewtrail/cli/command_id.h"
#include "reviewtrail/cli/media_type.h"
#include "temp_dir.h"

namespace reviewtrail::cli {
namespace {

TEST(Sha256OfFileTest, MatchesTheKnownVectorForAbc) {
  test_support::TempDir dir;
  Result<FileDigest> digest = Sha256OfFile(dir.Write("abc.txt", "abc"));
  ASSERT_TRUE(digest.ok()) << digest.error();
  EXPECT_EQ(digest->sha256_hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(digest->size_bytes, 3);
}

TEST(Sha256OfFileTest, HashesFilesLargerThanOneChunk) {
  test_support::TempDir dir;
  Result<FileDigest> digest = Sha256OfFile(dir.Write("million.bin", std::string(1'000'000, 'a')));
  ASSERT_TRUE(digest.ok()) << digest.error();
  EXPECT_EQ(digest->sha256_hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  EXPECT_EQ(digest->size_bytes, 1'000'000);
}

TEST(Sha256OfFileTest, ReportsAMissingFile) {
  test_support::TempDir dir;
  Result<FileDigest> digest = Sha256OfFile(dir.path() / "nope.pdf");
  ASSERT_FALSE(digest.ok());
  EXPECT_THAT(digest.error(), ::testing::HasSubstr("nope.pdf"));
  Result<FileDigest> directory = Sha256OfFile(dir.path());
  ASSERT_FALSE(directory.ok());
  EXPECT_THAT(directory.error(), ::testing::HasSubstr("is a directory, not a file"));
}

TEST(GuessMediaTypeTest, UsesTheExtension) {
  EXPECT_EQ(GuessMediaType("report.PDF"), "application/pdf");
  EXPECT_EQ(GuessMediaType("/tmp/screen.png"), "image/png");
  EXPECT_EQ(GuessMediaType("https://dms.example.com/doc/minutes.docx?version=3"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
  EXPECT_EQ(GuessMediaType("https://dms.example.com/doc/4711"), "application/octet-stream");
  EXPECT_EQ(GuessMediaType("archive.unknown"), "application/octet-stream");
}

TEST(NewCommandIdTest, IsAFreshUuidVersion4) {
  const std::regex uuid_v4("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    Result<std::string> id = NewCommandId();
    ASSERT_TRUE(id.ok()) << id.error();
    EXPECT_TRUE(std::regex_match(*id, uuid_v4)) << *id;
    seen.insert(*id);
  }
  EXPECT_EQ(seen.size(), 100u);
}

}  // namespace
}  // namespace reviewtrail::cli
