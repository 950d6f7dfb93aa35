#pragma once

#include <cstdint>
#include <string_view>

namespace reviewtrail::eventlog {

// Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2), returned as Java's signed int.
[[nodiscard]] int32_t KafkaMurmur2(std::string_view key);

// The partition Kafka's Java default partitioner picks for a non-null key:
// toPositive(murmur2(key)) % partition_count. Also librdkafka's "murmur2_random" partitioner.
// Requires partition_count > 0.
[[nodiscard]] int32_t KafkaPartitionFor(std::string_view key, int32_t partition_count);

}  // namespace reviewtrail::eventlog
