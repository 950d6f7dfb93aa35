#include "reviewtrail/eventlog/kafka_statistics.h"

#include <nlohmann/json.hpp>
#include <string>
#include <utility>

namespace reviewtrail::eventlog {
namespace {

// librdkafka reports round trips in microseconds.
constexpr int64_t kMicrosPerSecond = 1000000;

// A number of `object`, 0 when missing.
int64_t Int(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_number() ? it->get<int64_t>() : 0;
}

}  // namespace

absl::StatusOr<KafkaStatistics> ParseKafkaStatistics(std::string_view json) {
  const nlohmann::json root = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!root.is_object()) return absl::InvalidArgumentError("kafka statistics: not a JSON object");
  const auto name = root.find("name");
  const auto type = root.find("type");
  if (name == root.end() || !name->is_string() || type == root.end() || !type->is_string()) {
    return absl::InvalidArgumentError("kafka statistics: no client name or type");
  }
  KafkaStatistics stats;
  stats.client = name->get<std::string>();
  stats.producer = type->get<std::string>() == "producer";
  stats.queue_messages = Int(root, "msg_cnt");
  stats.queue_bytes = Int(root, "msg_size");
  stats.messages_sent = static_cast<uint64_t>(Int(root, "txmsgs"));
  stats.bytes_sent = static_cast<uint64_t>(Int(root, "txmsg_bytes"));

  if (const auto brokers = root.find("brokers"); brokers != root.end() && brokers->is_object()) {
    for (const auto& [key, broker] : brokers->items()) {
      if (!broker.is_object()) continue;
      const int64_t node_id = broker.contains("nodeid") ? Int(broker, "nodeid") : -1;
      // A broker is "learned" from metadata, or "configured" (a bootstrap address, which gets its
      // node id once metadata names it). Bootstrap entries without a node id yet, the internal
      // broker and logical ones (the group coordinator: an alias of a real broker) are left out.
      const std::string source = broker.value("source", "");
      if (node_id < 0 || (source != "learned" && source != "configured")) continue;
      KafkaStatistics::Broker out;
      out.node_id = static_cast<int32_t>(node_id);
      if (const auto rtt = broker.find("rtt"); rtt != broker.end() && rtt->is_object()) {
        out.rtt_avg_seconds = static_cast<double>(Int(*rtt, "avg")) / kMicrosPerSecond;
        out.rtt_p99_seconds = static_cast<double>(Int(*rtt, "p99")) / kMicrosPerSecond;
      }
      out.outstanding_requests = Int(broker, "outbuf_cnt") + Int(broker, "waitresp_cnt");
      out.request_errors =
          static_cast<uint64_t>(Int(broker, "txerrs") + Int(broker, "req_timeouts"));
      stats.brokers.push_back(out);
    }
  }

  if (stats.producer) return stats;
  if (const auto topics = root.find("topics"); topics != root.end() && topics->is_object()) {
    for (const auto& [topic_name, topic] : topics->items()) {
      const auto partitions = topic.find("partitions");
      if (partitions == topic.end() || !partitions->is_object()) continue;
      KafkaStatistics::TopicLag lag{.topic = topic_name};
      for (const auto& [key, partition] : partitions->items()) {
        // -1 is librdkafka's unassigned-partition placeholder; only fetched partitions count.
        if (Int(partition, "partition") < 0 || partition.value("fetch_state", "") == "none") {
          continue;
        }
        const int64_t high = Int(partition, "hi_offset");
        // The next record for the application: after the last one handed out. (librdkafka's own
        // consumer_lag is measured from the committed offset, and the log never commits.)
        // A partition that has handed nothing out yet has no known position: its fetch position
        // (next_offset) is past whatever was prefetched, so it would understate the lag.
        const int64_t next = Int(partition, "app_offset");
        if (high < 0 || next < 0) continue;
        lag.lag_messages += high > next ? high - next : 0;
        ++lag.partitions;
      }
      if (lag.partitions > 0) stats.lag.push_back(std::move(lag));
    }
  }
  return stats;
}

}  // namespace reviewtrail::eventlog
