#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace reviewtrail::eventlog {

// The subset of librdkafka's statistics (its STATISTICS.md JSON, emitted every
// statistics.interval.ms) that an operator acts on. One report describes one client (the log's
// producer, or one subscription's consumer) since that client started; the service layer turns it
// into metrics. Plain values.
struct KafkaStatistics {
  // A broker the client talks to (learned from metadata; bootstrap and internal entries are left
  // out).
  struct Broker {
    int32_t node_id = -1;
    // Request round trips over the last statistics window, in seconds (0 without requests).
    double rtt_avg_seconds = 0;
    double rtt_p99_seconds = 0;
    // Requests waiting to be sent plus requests sent and waiting for their response.
    int64_t outstanding_requests = 0;
    // Failed transmissions and timed-out requests since the client started.
    uint64_t request_errors = 0;
  };
  // A consumer's lag on one topic: over the partitions it reads, how many records the topic holds
  // beyond the next one it hands to the application (high watermark minus that position). A
  // partition from which no record has been handed out yet is left out (its position is unknown).
  struct TopicLag {
    std::string topic;
    int64_t lag_messages = 0;
    int32_t partitions = 0;  // partitions whose lag is known and summed in
  };

  std::string client;  // librdkafka's instance name, e.g. "reviewtrail-query.pod-1#consumer-3"
  bool producer = false;

  std::vector<Broker> brokers;

  // Producer: messages and bytes waiting in librdkafka (queued or in flight, not yet acknowledged),
  // and messages and bytes sent to brokers since the client started (retries included).
  int64_t queue_messages = 0;
  int64_t queue_bytes = 0;
  uint64_t messages_sent = 0;
  uint64_t bytes_sent = 0;

  // Consumer: one entry per topic with at least one partition of known lag.
  std::vector<TopicLag> lag;
};

// Parses one librdkafka statistics JSON document. InvalidArgument when it is not JSON or lacks
// the client's name or type.
[[nodiscard]] absl::StatusOr<KafkaStatistics> ParseKafkaStatistics(std::string_view json);

}  // namespace reviewtrail::eventlog
