#include "reviewtrail/digest/sha256.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace reviewtrail::digest {
namespace {

constexpr char kAbc[] = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

TEST(Sha256Test, MatchesTheKnownDigestOfAbc) {
  EXPECT_EQ(Sha256Hex("abc"), kAbc);
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_TRUE(IsSha256Hex(Sha256Hex("")));
  EXPECT_FALSE(IsSha256Hex(std::string(64, 'A')));
  EXPECT_FALSE(IsSha256Hex(std::string(63, 'a')));
}

TEST(Sha256Test, OneShotIncrementalAndRawAgreeOnEveryLength) {
  std::string bytes;
  for (int length = 0; length < 300; ++length) {
    Sha256 hasher;
    hasher.Update(std::string_view(bytes).substr(0, length / 2));
    hasher.Update(std::string_view(bytes).substr(length / 2));
    const Sha256Digits incremental = hasher.FinishDigits();
    EXPECT_EQ(Sha256Of(bytes).view(), incremental.view());
    const size_t split = std::min<size_t>(7, bytes.size());
    EXPECT_EQ(
        Sha256Of(std::string_view(bytes).substr(0, split), std::string_view(bytes).substr(split))
            .view(),
        Sha256Hex(bytes));
    std::string raw_hex;
    for (const unsigned char byte : Sha256Bytes(bytes)) {
      raw_hex += "0123456789abcdef"[byte >> 4];
      raw_hex += "0123456789abcdef"[byte & 0x0F];
    }
    EXPECT_EQ(raw_hex, Sha256Hex(bytes));
    bytes.push_back(static_cast<char>('a' + length % 26));
  }
  EXPECT_EQ(Sha256Of("ab", "c").view(), kAbc);
}

TEST(Sha256Test, AHasherIsReusableAfterFinish) {
  Sha256 hasher;
  hasher.Update("xyz");
  (void)hasher.FinishHex();
  hasher.Update("abc");
  EXPECT_EQ(hasher.FinishHex(), kAbc);
}

}  // namespace
}  // namespace reviewtrail::digest
