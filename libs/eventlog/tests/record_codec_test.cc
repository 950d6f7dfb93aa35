#include "record_codec.h"

#include "gtest/gtest.h"

namespace reviewtrail::eventlog::internal {
namespace {

TEST(RecordCodecTest, LogKeysSortByPartitionThenOffset) {
  EXPECT_LT(EncodeLogKey(0, 255), EncodeLogKey(0, 256));
  EXPECT_LT(EncodeLogKey(0, int64_t{1} << 40), EncodeLogKey(1, 0));
  EXPECT_EQ(EncodeLogKey(1, 2), std::string("\0\0\0\1\0\0\0\0\0\0\0\2", 12));
  int32_t partition = -1;
  int64_t offset = -1;
  ASSERT_TRUE(DecodeLogKey(EncodeLogKey(7, 123456789012), partition, offset));
  EXPECT_EQ(partition, 7);
  EXPECT_EQ(offset, 123456789012);
  EXPECT_FALSE(DecodeLogKey(std::string(4, '\xff') + "partition_count", partition, offset));
}

TEST(RecordCodecTest, FrameRoundTrips) {
  const Headers headers = {{"ce_id", "e-1"}, {"empty", ""}, {"binary", std::string("\0\1", 2)}};
  const std::string value(
      "\x0a\x03"
      "abc\0",
      6);
  Record record;
  ASSERT_TRUE(DecodeFrame(EncodeFrame("tenant-a", headers, value), record).ok());
  EXPECT_EQ(record.key, "tenant-a");
  EXPECT_EQ(record.headers, headers);
  EXPECT_EQ(record.value, value);
}

TEST(RecordCodecTest, EveryTruncationOrBitFlipIsDetected) {
  const std::string frame = EncodeFrame("t", {{"ce_id", "x"}}, "payload");
  Record record;
  for (size_t size = 0; size < frame.size(); ++size) {
    EXPECT_FALSE(DecodeFrame(frame.substr(0, size), record).ok()) << size;
  }
  for (size_t i = 0; i < frame.size(); ++i) {
    std::string corrupt = frame;
    corrupt[i] = static_cast<char>(corrupt[i] ^ 0x10);
    EXPECT_FALSE(DecodeFrame(corrupt, record).ok()) << i;
  }
}

TEST(RecordCodecTest, Crc32cKnownValue) {
  // RFC 3720 (iSCSI) B.4: CRC-32C of 32 zero bytes.
  EXPECT_EQ(Crc32c(std::string(32, '\0')), 0x8a9136aaU);
  EXPECT_EQ(Crc32c("123456789"), 0xe3069283U);
}

}  // namespace
}  // namespace reviewtrail::eventlog::internal
