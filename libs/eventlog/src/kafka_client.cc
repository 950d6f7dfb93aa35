#include "kafka_client.h"

#include <algorithm>
#include <array>
#include <limits>
#include <map>
#include <span>
#include <utility>

#include "absl/strings/str_cat.h"

namespace reviewtrail::eventlog::internal {
namespace {

struct Enforced {
  std::string_view name;
  std::string_view value;
};

// What the log's guarantees rest on; a user property may repeat but not change these.
constexpr std::array<Enforced, 2> kProducerEnforced = {{
    {"enable.idempotence", "true"},
    {"acks", "all"},
}};
constexpr std::array<Enforced, 3> kConsumerEnforced = {{
    {"enable.auto.commit", "false"},
    {"enable.auto.offset.store", "false"},
    {"enable.partition.eof", "false"},
}};

absl::Status ApplyProperties(rd_kafka_conf_t& conf,
                             const std::map<std::string, std::string>& properties,
                             std::span<const Enforced> enforced) {
  for (const auto& [name, value] : properties) {
    for (const Enforced& e : enforced) {
      if (name == e.name && value != e.value) {
        return absl::InvalidArgumentError(absl::StrCat("kafka log: property ", name, " must stay ",
                                                       std::string(e.value), ", not ", value));
      }
    }
    if (absl::Status s = SetKafkaProperty(conf, name, value); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status SetKafkaProperty(rd_kafka_conf_t& conf, std::string_view name,
                              std::string_view value) {
  std::array<char, 512> errstr{};
  const std::string n(name);
  const std::string v(value);
  if (rd_kafka_conf_set(&conf, n.c_str(), v.c_str(), errstr.data(), errstr.size()) !=
      RD_KAFKA_CONF_OK) {
    return absl::InvalidArgumentError(absl::StrCat("kafka log: ", n, ": ", errstr.data()));
  }
  return absl::OkStatus();
}

absl::Status EnableStatistics(rd_kafka_conf_t& conf, const KafkaLogConfig& config,
                              int (*callback)(rd_kafka_t*, char*, size_t, void*)) {
  if (config.statistics_interval.count() <= 0 || !config.on_statistics) return absl::OkStatus();
  if (absl::Status s = SetKafkaProperty(conf, "statistics.interval.ms",
                                        std::to_string(config.statistics_interval.count()));
      !s.ok()) {
    return s;
  }
  rd_kafka_conf_set_stats_cb(&conf, callback);
  return absl::OkStatus();
}

int DeliverStatistics(const KafkaLogConfig& config, std::string_view json) {
  absl::StatusOr<KafkaStatistics> stats = ParseKafkaStatistics(json);
  if (stats.ok()) config.on_statistics(*stats);
  return 0;
}

int StatisticsToConfig(rd_kafka_t* /*rk*/, char* json, size_t json_len, void* opaque) {
  return DeliverStatistics(*static_cast<const KafkaLogConfig*>(opaque),
                           std::string_view(json, json_len));
}

absl::StatusOr<KafkaConf> BuildKafkaConf(const KafkaLogConfig& config, KafkaClientKind kind) {
  KafkaConf conf(rd_kafka_conf_new());
  if (config.bootstrap_servers.empty()) {
    return absl::InvalidArgumentError("kafka log: empty bootstrap_servers");
  }
  const std::pair<std::string_view, const std::string*> connection[] = {
      {"bootstrap.servers", &config.bootstrap_servers},
      {"security.protocol", &config.security_protocol},
      {"sasl.mechanisms", &config.sasl_mechanism},
      {"sasl.username", &config.sasl_username},
      {"sasl.password", &config.sasl_password},
      {"ssl.ca.location", &config.ssl_ca_location},
      {"ssl.certificate.location", &config.ssl_certificate_location},
      {"ssl.key.location", &config.ssl_key_location},
      {"client.id", &config.client_id},
  };
  for (const auto& [name, value] : connection) {
    if (value->empty()) continue;
    if (absl::Status s = SetKafkaProperty(*conf, name, *value); !s.ok()) return s;
  }
  const bool producer = kind == KafkaClientKind::kProducer;
  const std::span<const Enforced> enforced = producer
                                                 ? std::span<const Enforced>(kProducerEnforced)
                                                 : std::span<const Enforced>(kConsumerEnforced);
  if (producer) {
    if (absl::Status s = SetKafkaProperty(*conf, "linger.ms", std::to_string(config.linger_ms));
        !s.ok()) {
      return s;
    }
    if (config.delivery_timeout.count() <= config.linger_ms) {
      return absl::InvalidArgumentError(
          absl::StrCat("kafka log: delivery timeout ", config.delivery_timeout.count(),
                       " ms must exceed linger.ms ", config.linger_ms));
    }
    if (absl::Status s = SetKafkaProperty(*conf, "delivery.timeout.ms",
                                          std::to_string(config.delivery_timeout.count()));
        !s.ok()) {
      return s;
    }
  } else {
    // Tailing: the broker answers an empty fetch after at most this long.
    if (absl::Status s = SetKafkaProperty(*conf, "fetch.wait.max.ms", "100"); !s.ok()) return s;
    // A position outside the log is an error for the caller, never a silent jump.
    if (absl::Status s = SetKafkaProperty(*conf, "auto.offset.reset", "error"); !s.ok()) return s;
  }
  if (absl::Status s = ApplyProperties(*conf, config.properties, enforced); !s.ok()) return s;
  if (absl::Status s = ApplyProperties(
          *conf, producer ? config.producer_properties : config.consumer_properties, enforced);
      !s.ok()) {
    return s;
  }
  for (const Enforced& e : enforced) {
    if (absl::Status s = SetKafkaProperty(*conf, e.name, e.value); !s.ok()) return s;
  }
  return conf;
}

absl::StatusOr<KafkaConsumer> NewKafkaConsumer(KafkaConf conf) {
  std::array<char, 512> errstr{};
  KafkaConsumer consumer(rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), errstr.data(), errstr.size()));
  if (consumer == nullptr) {
    return absl::InternalError(absl::StrCat("kafka log: consumer: ", errstr.data()));
  }
  conf.release();  // rd_kafka_new took it
  if (absl::Status s =
          KafkaErrorStatus(rd_kafka_poll_set_consumer(consumer.get()), "poll_set_consumer");
      !s.ok()) {
    return s;
  }
  return consumer;
}

absl::Status WarmUpConsumer(rd_kafka_t& consumer, const std::string& topic,
                            std::chrono::milliseconds timeout) {
  // The caller verified the topic exists, so asking for it by handle cannot auto-create it.
  KafkaTopic handle(rd_kafka_topic_new(&consumer, topic.c_str(), nullptr));
  if (handle == nullptr) return KafkaErrorStatus(rd_kafka_last_error(), "topic handle");
  const rd_kafka_metadata_t* raw = nullptr;
  const rd_kafka_resp_err_t err =
      rd_kafka_metadata(&consumer, 0, handle.get(), &raw, TimeoutMs(timeout));
  if (raw != nullptr) rd_kafka_metadata_destroy(raw);
  return KafkaErrorStatus(err, "consumer metadata");
}

Record ToRecord(const rd_kafka_message_t& message) {
  Record record;
  record.position = {message.partition, message.offset};
  if (message.key != nullptr) {
    record.key.assign(static_cast<const char*>(message.key), message.key_len);
  }
  if (message.payload != nullptr) {
    record.value.assign(static_cast<const char*>(message.payload), message.len);
  }
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(&message, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    const char* name = nullptr;
    const void* value = nullptr;
    size_t size = 0;
    for (size_t i = 0;
         rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
         ++i) {
      record.headers.emplace_back(name, value == nullptr
                                            ? std::string()
                                            : std::string(static_cast<const char*>(value), size));
    }
  }
  return record;
}

absl::Status ConsumerErrorStatus(const rd_kafka_message_t& message) {
  const std::string what = absl::StrCat("consume partition ", message.partition);
  switch (message.err) {
    case RD_KAFKA_RESP_ERR_NO_ERROR:
    case RD_KAFKA_RESP_ERR__PARTITION_EOF:
      return absl::OkStatus();
    case RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE:
    case RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET:
      return absl::OutOfRangeError(
          absl::StrCat("kafka log: ", what, ": ", rd_kafka_message_errstr(&message)));
    case RD_KAFKA_RESP_ERR__FATAL:
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED:
      return absl::FailedPreconditionError(
          absl::StrCat("kafka log: ", what, ": ", rd_kafka_message_errstr(&message)));
    default:
      return absl::OkStatus();  // transient: librdkafka reconnects and retries
  }
}

absl::Status KafkaErrorStatus(rd_kafka_resp_err_t err, std::string_view what) {
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return absl::OkStatus();
  std::string message = absl::StrCat("kafka log: ", std::string(what), ": ", rd_kafka_err2name(err),
                                     ": ", rd_kafka_err2str(err));
  switch (err) {
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
    case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
    case RD_KAFKA_RESP_ERR__MSG_TIMED_OUT:
      return absl::DeadlineExceededError(message);
    case RD_KAFKA_RESP_ERR__TRANSPORT:
    case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
    case RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION:
      return absl::UnavailableError(message);
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
      return absl::NotFoundError(message);
    default:
      return absl::InternalError(message);
  }
}

int TimeoutMs(std::chrono::milliseconds timeout) {
  return static_cast<int>(std::clamp<int64_t>(timeout.count(), 0, std::numeric_limits<int>::max()));
}

}  // namespace reviewtrail::eventlog::internal
