#include "record_codec.h"

#include "gtest/gtest.h"
#include "status_matchers.h"

namespace reviewtrail::eventlog::internal {
namespace {

using ::reviewtrail::testing::IsError;

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

TEST(RecordCodecTest, AFrameDecodedWithoutHeadersHasTheKeyAndValueOnly) {
  const Headers headers = {{"ce_id", "e-1"}, {"ce_type", "x"}};
  Record record;
  record.headers = {{"left", "over"}};
  ASSERT_TRUE(DecodeFrame(EncodeFrame("tenant-a", headers, "value"), record, false).ok());
  EXPECT_EQ(record.key, "tenant-a");
  EXPECT_TRUE(record.headers.empty());
  EXPECT_EQ(record.value, "value");
}

TEST(RecordCodecTest, OnlyTheShortestVarintsDecode) {
  // Found by tests/fuzz fuzz_eventlog_record: a header count written as two bytes (0x80 0x00)
  // decoded, so a frame decoded from bytes EncodeFrame never writes. Each frame below is sealed
  // with its own checksum, so only the framing can refuse it.
  const auto sealed = [](std::string body) {
    const uint32_t crc = Crc32c(body);
    for (int i = 0; i < 4; ++i) body.push_back(static_cast<char>(crc >> (8 * i)));
    return body;
  };
  Record record;
  ASSERT_TRUE(DecodeFrame(sealed(std::string("\x01\x01k\x00\x01v", 6)), record).ok());
  EXPECT_EQ(record.key, "k");
  EXPECT_EQ(record.value, "v");
  // The header count 0 as 0x80 0x00; the key size 1 as 0x81 0x00.
  EXPECT_TRUE(
      absl::IsDataLoss(DecodeFrame(sealed(std::string("\x01\x01k\x80\x00\x01v", 7)), record)));
  EXPECT_TRUE(
      absl::IsDataLoss(DecodeFrame(sealed(std::string("\x01\x81\x00k\x00\x01v", 7)), record)));
  // A value size of ten bytes whose last one carries bits beyond 64.
  EXPECT_TRUE(absl::IsDataLoss(DecodeFrame(
      sealed(std::string("\x01\x01k\x00\x81\x80\x80\x80\x80\x80\x80\x80\x80\x02v", 15)), record)));
}

TEST(RecordCodecTest, EveryTruncationOrBitFlipIsDetected) {
  const std::string frame = EncodeFrame("t", {{"ce_id", "x"}}, "payload");
  Record record;
  for (const bool with_headers : {true, false}) {
    for (size_t size = 0; size < frame.size(); ++size) {
      EXPECT_THAT(DecodeFrame(frame.substr(0, size), record, with_headers),
                  IsError(absl::StatusCode::kDataLoss, "event log frame"))
          << size;
    }
    for (size_t i = 0; i < frame.size(); ++i) {
      std::string corrupt = frame;
      corrupt[i] = static_cast<char>(corrupt[i] ^ 0x10);
      EXPECT_THAT(DecodeFrame(corrupt, record, with_headers),
                  IsError(absl::StatusCode::kDataLoss, "event log frame"))
          << i;
    }
  }
}

TEST(RecordCodecTest, Crc32cEqualsTheBitwiseDefinitionAtEveryLengthAndAlignment) {
  const auto bitwise = [](std::string_view data) {
    uint32_t crc = 0xffffffffU;
    for (const char ch : data) {
      crc ^= static_cast<uint8_t>(ch);
      for (int bit = 0; bit < 8; ++bit) crc = (crc & 1U) != 0 ? (crc >> 1) ^ 0x82f63b78U : crc >> 1;
    }
    return crc ^ 0xffffffffU;
  };
  std::string bytes;
  uint32_t state = 12345;
  for (int i = 0; i < 300; ++i) {
    state = state * 1103515245U + 12345U;
    bytes.push_back(static_cast<char>(state >> 16));
  }
  for (size_t start = 0; start < 8; ++start) {
    for (size_t size = 0; size + start <= bytes.size(); size += 7) {
      const std::string_view data = std::string_view(bytes).substr(start, size);
      EXPECT_EQ(Crc32c(data), bitwise(data)) << start << " " << size;
    }
  }
}

TEST(RecordCodecTest, Crc32cKnownValue) {
  // RFC 3720 (iSCSI) B.4: CRC-32C of 32 zero bytes.
  EXPECT_EQ(Crc32c(std::string(32, '\0')), 0x8a9136aaU);
  EXPECT_EQ(Crc32c("123456789"), 0xe3069283U);
}

}  // namespace
}  // namespace reviewtrail::eventlog::internal
