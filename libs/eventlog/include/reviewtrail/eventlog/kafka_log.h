#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "reviewtrail/eventlog/event_log.h"
#include "reviewtrail/eventlog/kafka_statistics.h"

namespace reviewtrail::eventlog {

inline constexpr char kDefaultEventTopic[] = "reviewtrail.events.v1";

// How to reach the cluster and which topic to use. Connection settings map to librdkafka
// properties; anything else goes through `properties` (both clients) or the per-client maps.
struct KafkaLogConfig {
  std::string bootstrap_servers;  // "host:port,host:port"
  std::string
      security_protocol;  // "plaintext" | "ssl" | "sasl_plaintext" | "sasl_ssl"; empty: default
  std::string sasl_mechanism;  // e.g. "SCRAM-SHA-512"; empty: not set
  std::string sasl_username;
  std::string sasl_password;
  std::string ssl_ca_location;
  // The client certificate and its private key (PEM files), for brokers that require mTLS.
  std::string ssl_certificate_location;
  std::string ssl_key_location;
  // client.id of every client of this log (producer, reader, subscriptions): name the service and
  // its replica, so broker logs, quotas and ACL audits tell them apart. Empty: librdkafka's.
  std::string client_id;
  // Free-form librdkafka properties (e.g. "ssl.certificate.location", "client.id",
  // "session.timeout.ms"), applied after the fields above. They may not weaken what the log's
  // guarantees rest on: enable.idempotence=true, acks=all, enable.auto.commit=false.
  std::map<std::string, std::string> properties;
  std::map<std::string, std::string> producer_properties;
  std::map<std::string, std::string> consumer_properties;

  std::string topic = kDefaultEventTopic;
  // The topic must have exactly this many partitions (PartitionFor depends on it).
  int32_t partition_count = 12;
  // When the topic is missing: create it through the Admin API. Otherwise wait up to topic_wait
  // for another process (the command service, an operator) to create it, then NotFound. Run one
  // creator per topic, so that services starting together do not race to create it.
  bool create_topic = true;
  std::chrono::milliseconds topic_wait{0};
  // Replication factor of a created topic; 0: min(3, brokers in the cluster).
  int16_t replication_factor = 0;
  // min.insync.replicas of a created topic; 0: 2 when it has 3 or more replicas, else 1. With
  // acks=all an append is acknowledged only once this many replicas have it.
  int min_insync_replicas = 0;

  // Producer linger: how long librdkafka waits to fill a batch. 1 ms keeps a lone append's latency
  // near one round trip while concurrent appends still share produce requests.
  int linger_ms = 1;
  // Bound on metadata, watermark and admin requests, and on a Read's fetch.
  std::chrono::milliseconds request_timeout{10000};
  // The longest a record may wait for its acknowledgement, retries included (librdkafka's
  // delivery.timeout.ms, default 300 s there): an Append fails after it. Keep it at the command
  // deadline, so that a command whose caller gave up does not sit on the network for minutes.
  std::chrono::milliseconds delivery_timeout{10000};

  // librdkafka's statistics (statistics.interval.ms), parsed and handed to on_statistics every
  // interval by the producer and by each subscription's consumer (on the thread that polls that
  // client: the producer's poll thread, the subscription's owner). Off when the interval is 0 or
  // there is no callback. The shared consumer behind Read is left out: it is polled only while a
  // Read runs, and its reports would queue up in between. A report that does not parse is
  // dropped.
  std::chrono::milliseconds statistics_interval{15000};
  std::function<void(const KafkaStatistics&)> on_statistics;
};

// Options of a consumer-group subscription.
struct GroupSubscriptionOptions {
  std::string group_id;
  // The next offset to read of a partition this member has just been given, typically from the
  // caller's own checkpoint (offsets are never committed to Kafka). Unset or negative: the
  // partition's beginning.
  std::function<int64_t(int32_t partition)> start_offset;
  // Ownership changes; see GroupSubscription.
  std::function<void(const std::vector<int32_t>& partitions)> on_assigned;
  std::function<void(const std::vector<int32_t>& partitions)> on_revoked;
};

// A member of a consumer group over the event topic. Owned and polled by one thread.
//
// Partition ownership is reported synchronously on the polling thread, from inside Poll (and from
// the destructor, which leaves the group): on_revoked(partitions) runs before the partitions are
// given up, and any of their records fetched but not yet returned are dropped (the next owner reads
// them from its own start offset); on_assigned(partitions) runs after start_offset was asked for
// each new partition and before any of their records is returned. Assignment() is the current set.
class GroupSubscription : public Subscription {
 public:
  [[nodiscard]] virtual std::vector<int32_t> Assignment() const = 0;
};

// The event log on a Kafka topic, through librdkafka.
//
// Producer: idempotent (enable.idempotence=true, acks=all), partition chosen by PartitionFor, one
// record per event with CloudEvents headers. Append enqueues its records and waits until every
// delivery report of the batch has arrived; reports are served by a dedicated poll thread. On
// failure a prefix of the batch may have been written (events carry ids for deduplication); a
// fatal producer error (rd_kafka_fatal_error) fails this and every later Append with its reason.
//
// Consumers: Read and Subscribe use consumers with caller-controlled positions (assign + offset,
// enable.auto.commit=false, nothing ever committed). Read shares one consumer (serialized); each
// Subscription has its own. SubscribeGroup joins a consumer group instead.
//
// Open checks that the topic exists with `partition_count` partitions, creating it when allowed.
// Thread-safe. The log must outlive its subscriptions.
class KafkaLog : public EventLog {
 public:
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<KafkaLog>> Open(const KafkaLogConfig& config);

  [[nodiscard]] virtual absl::StatusOr<std::unique_ptr<GroupSubscription>> SubscribeGroup(
      GroupSubscriptionOptions options) = 0;

  // The replication factor and min.insync.replicas a topic created by Open gets on a cluster of
  // `brokers` brokers (the configured values, or the defaults above).
  [[nodiscard]] static std::pair<int16_t, int> TopicReplication(const KafkaLogConfig& config,
                                                                int brokers);

  // Raises a fatal error in the producer through librdkafka's rd_kafka_test_fatal_error.
  [[nodiscard]] virtual absl::Status TriggerFatalErrorForTesting() = 0;
};

}  // namespace reviewtrail::eventlog
