#pragma once

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "kafka_holders.h"
#include "reviewtrail/eventlog/event_log.h"
#include "reviewtrail/eventlog/kafka_log.h"

namespace reviewtrail::eventlog::internal {

enum class KafkaClientKind { kProducer, kConsumer };

// librdkafka configuration for one client of the log: connection settings, the user's properties,
// then the settings the log's guarantees depend on (refusing properties that contradict them).
[[nodiscard]] absl::StatusOr<KafkaConf> BuildKafkaConf(const KafkaLogConfig& config,
                                                       KafkaClientKind kind);

// Turns on librdkafka's statistics for a client polled continuously when `config` asks for them
// (statistics_interval and on_statistics): `callback` receives them, with the conf's opaque.
[[nodiscard]] absl::Status EnableStatistics(rd_kafka_conf_t& conf, const KafkaLogConfig& config,
                                            int (*callback)(rd_kafka_t* rk, char* json,
                                                            size_t json_len, void* opaque));

// Parses a statistics report and hands it to config.on_statistics (dropping one that does not
// parse). The body of every client's statistics callback; returns what librdkafka expects (0: it
// frees the JSON).
int DeliverStatistics(const KafkaLogConfig& config, std::string_view json);

// A statistics callback for clients whose opaque is their `const KafkaLogConfig*`.
int StatisticsToConfig(rd_kafka_t* rk, char* json, size_t json_len, void* opaque);

[[nodiscard]] absl::Status SetKafkaProperty(rd_kafka_conf_t& conf, std::string_view name,
                                            std::string_view value);

// A consumer with caller-controlled positions or group membership (when `conf` has a rebalance
// callback); its main queue is redirected to the consumer queue. Takes `conf`.
[[nodiscard]] absl::StatusOr<KafkaConsumer> NewKafkaConsumer(KafkaConf conf);

// Loads `topic`'s metadata into `consumer` so a new assignment starts fetching at once (otherwise
// the first fetch waits for librdkafka's periodic scan of unknown topics, up to a second).
[[nodiscard]] absl::Status WarmUpConsumer(rd_kafka_t& consumer, const std::string& topic,
                                          std::chrono::milliseconds timeout);

// Copies a fetched message into a Record.
[[nodiscard]] Record ToRecord(const rd_kafka_message_t& message);

// The status a consumer error message stands for: OK for transient errors librdkafka retries by
// itself (connection loss and the like), an error for what the caller must hear about.
[[nodiscard]] absl::Status ConsumerErrorStatus(const rd_kafka_message_t& message);

[[nodiscard]] absl::Status KafkaErrorStatus(rd_kafka_resp_err_t err, std::string_view what);

// Clamps a timeout to librdkafka's int milliseconds.
[[nodiscard]] int TimeoutMs(std::chrono::milliseconds timeout);

}  // namespace reviewtrail::eventlog::internal
