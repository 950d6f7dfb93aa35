#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace reviewtrail::eventlog {

// librdkafka's in-process mock Kafka cluster (rdkafka_mock.h), for tests and benchmarks. Its
// brokers listen on random 127.0.0.1 ports, so other processes (kcat) can reach it too.
// Limits: no SSL/SASL, no CreateTopics, ~5 MiB or 100k message sets kept per partition.
// Owns the cluster and the handle it lives on; thread-safe.
class MockKafkaCluster {
 public:
  // Kafka protocol API keys and error codes, for injecting request errors.
  static constexpr int16_t kProduceApiKey = 0;
  static constexpr int kNotLeaderOrFollower = 6;
  static constexpr int kRequestTimedOut = 7;

  [[nodiscard]] static absl::StatusOr<std::unique_ptr<MockKafkaCluster>> Start(int broker_count);
  ~MockKafkaCluster();
  MockKafkaCluster(const MockKafkaCluster&) = delete;
  MockKafkaCluster& operator=(const MockKafkaCluster&) = delete;

  [[nodiscard]] const std::string& bootstrap_servers() const { return bootstrap_servers_; }

  [[nodiscard]] absl::Status CreateTopic(std::string_view topic, int partition_count,
                                         int replication_factor);
  // The next `kafka_error_codes.size()` requests of `api_key`, cluster-wide, fail with these codes.
  void PushRequestErrors(int16_t api_key, const std::vector<int>& kafka_error_codes);
  [[nodiscard]] absl::Status SetBrokerDown(int32_t broker_id);
  [[nodiscard]] absl::Status SetBrokerUp(int32_t broker_id);
  [[nodiscard]] absl::Status SetPartitionLeader(std::string_view topic, int32_t partition,
                                                int32_t broker_id);
  // The broker the cluster's metadata names as leader of `partition` (asked of a broker that is
  // up; a leader that is down is still named, as the mock moves no leadership by itself).
  [[nodiscard]] absl::StatusOr<int32_t> PartitionLeader(std::string_view topic, int32_t partition);

 private:
  struct Handles;
  explicit MockKafkaCluster(std::unique_ptr<Handles> handles);

  std::unique_ptr<Handles> handles_;
  std::string bootstrap_servers_;
};

}  // namespace reviewtrail::eventlog
