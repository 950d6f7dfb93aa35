#include "reviewtrail/eventlog/partitioner.h"

#include <librdkafka/rdkafka.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace reviewtrail::eventlog {
namespace {

struct JavaVector {
  std::string key;
  int32_t murmur2;  // Utils.murmur2(key.getBytes()) in the Kafka Java client
  int32_t partition_of_12;
  int32_t partition_of_16;
};

// murmur2 values: the cases of Kafka's own UtilsTest.testMurmur2 (clients/src/test/java/org/
// apache/kafka/common/utils/UtilsTest.java). Partitions: (murmur2 & 0x7fffffff) % n, the Java
// default partitioner's toPositive(murmur2(keyBytes)) % numPartitions, worked out by hand from
// those values (e.g. "21": -973932308 & 0x7fffffff = 1173551340; % 12 = 0; % 16 = 12).
const JavaVector kJavaVectors[] = {
    {"21", -973932308, 0, 12},
    {"foobar", -790332482, 6, 14},
    {"a-little-bit-long-string", -985981536, 8, 0},
    {"a-little-bit-longer-string", -1486304829, 11, 3},
    {"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971, 5, 13},
    {"abc", 479470107, 3, 11},
};

TEST(PartitionerTest, Murmur2MatchesKafkaJavaClient) {
  for (const JavaVector& v : kJavaVectors) {
    EXPECT_EQ(KafkaMurmur2(v.key), v.murmur2) << v.key;
  }
}

TEST(PartitionerTest, PartitionMatchesJavaDefaultPartitioner) {
  for (const JavaVector& v : kJavaVectors) {
    EXPECT_EQ(KafkaPartitionFor(v.key, 12), v.partition_of_12) << v.key;
    EXPECT_EQ(KafkaPartitionFor(v.key, 16), v.partition_of_16) << v.key;
  }
}

TEST(PartitionerTest, AgreesWithLibrdkafkaMurmur2Partitioner) {
  // librdkafka's "murmur2" partitioner is documented as Java-compatible; an independent
  // implementation to cross-check every length modulo 4 and non-ASCII bytes.
  for (int i = 0; i < 2000; ++i) {
    std::string key = absl::StrCat("tenant-", i);
    key.append(static_cast<size_t>(i % 5), static_cast<char>(0x80 + i % 100));
    for (const int32_t n : {1, 3, 12, 16, 64}) {
      EXPECT_EQ(
          KafkaPartitionFor(key, n),
          rd_kafka_msg_partitioner_murmur2(nullptr, key.data(), key.size(), n, nullptr, nullptr))
          << key << " n=" << n;
    }
  }
}

TEST(PartitionerTest, EmptyKeyIsHashedLikeJava) {
  // Java hashes an empty (non-null) key too; only a null key is spread at random.
  EXPECT_EQ(KafkaPartitionFor("", 16),
            rd_kafka_msg_partitioner_murmur2(nullptr, "", 0, 16, nullptr, nullptr));
}

}  // namespace
}  // namespace reviewtrail::eventlog
