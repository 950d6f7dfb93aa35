#include "reviewtrail/eventlog/kafka_mock_cluster.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <array>

#include "absl/strings/str_cat.h"
#include "kafka_holders.h"

namespace reviewtrail::eventlog {

// The mock cluster lives on a dummy producer handle of its own, so clients come and go freely.
struct MockKafkaCluster::Handles {
  internal::KafkaHandle owner;
  rd_kafka_mock_cluster_t* cluster = nullptr;  // owned; destroyed before `owner`

  ~Handles() {
    if (cluster != nullptr) rd_kafka_mock_cluster_destroy(cluster);
  }
};

namespace {

absl::Status FromKafka(rd_kafka_resp_err_t err, std::string_view what) {
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return absl::OkStatus();
  return absl::InternalError(
      absl::StrCat("mock kafka: ", std::string(what), ": ", rd_kafka_err2str(err)));
}

}  // namespace

absl::StatusOr<std::unique_ptr<MockKafkaCluster>> MockKafkaCluster::Start(int broker_count) {
  std::array<char, 512> errstr{};
  internal::KafkaConf conf(rd_kafka_conf_new());
  // The dummy handle connects nowhere; keep it quiet.
  if (rd_kafka_conf_set(conf.get(), "log_level", "2", errstr.data(), errstr.size()) !=
      RD_KAFKA_CONF_OK) {
    return absl::InternalError(errstr.data());
  }
  auto handles = std::make_unique<Handles>();
  handles->owner.reset(rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), errstr.data(), errstr.size()));
  if (handles->owner == nullptr) {
    return absl::InternalError(absl::StrCat("mock kafka: ", errstr.data()));
  }
  conf.release();  // rd_kafka_new took it
  handles->cluster = rd_kafka_mock_cluster_new(handles->owner.get(), broker_count);
  if (handles->cluster == nullptr) return absl::InternalError("mock kafka: cluster_new failed");
  return std::unique_ptr<MockKafkaCluster>(new MockKafkaCluster(std::move(handles)));
}

MockKafkaCluster::MockKafkaCluster(std::unique_ptr<Handles> handles)
    : handles_(std::move(handles)),
      bootstrap_servers_(rd_kafka_mock_cluster_bootstraps(handles_->cluster)) {}

MockKafkaCluster::~MockKafkaCluster() = default;

absl::Status MockKafkaCluster::CreateTopic(std::string_view topic, int partition_count,
                                           int replication_factor) {
  const std::string name(topic);
  return FromKafka(rd_kafka_mock_topic_create(handles_->cluster, name.c_str(), partition_count,
                                              replication_factor),
                   "topic_create");
}

void MockKafkaCluster::PushRequestErrors(int16_t api_key,
                                         const std::vector<int>& kafka_error_codes) {
  std::vector<rd_kafka_resp_err_t> errors;
  errors.reserve(kafka_error_codes.size());
  for (const int code : kafka_error_codes) errors.push_back(static_cast<rd_kafka_resp_err_t>(code));
  rd_kafka_mock_push_request_errors_array(handles_->cluster, api_key, errors.size(), errors.data());
}

absl::Status MockKafkaCluster::SetBrokerDown(int32_t broker_id) {
  return FromKafka(rd_kafka_mock_broker_set_down(handles_->cluster, broker_id), "broker_set_down");
}

absl::Status MockKafkaCluster::SetBrokerUp(int32_t broker_id) {
  return FromKafka(rd_kafka_mock_broker_set_up(handles_->cluster, broker_id), "broker_set_up");
}

absl::Status MockKafkaCluster::SetPartitionLeader(std::string_view topic, int32_t partition,
                                                  int32_t broker_id) {
  const std::string name(topic);
  return FromKafka(
      rd_kafka_mock_partition_set_leader(handles_->cluster, name.c_str(), partition, broker_id),
      "partition_set_leader");
}

absl::StatusOr<int32_t> MockKafkaCluster::PartitionLeader(std::string_view topic,
                                                          int32_t partition) {
  std::array<char, 512> errstr{};
  internal::KafkaConf conf(rd_kafka_conf_new());
  for (const auto& [name, value] :
       {std::pair<const char*, const char*>{"bootstrap.servers", bootstrap_servers_.c_str()},
        {"log_level", "2"}}) {
    if (rd_kafka_conf_set(conf.get(), name, value, errstr.data(), errstr.size()) !=
        RD_KAFKA_CONF_OK) {
      return absl::InternalError(errstr.data());
    }
  }
  internal::KafkaHandle client(
      rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), errstr.data(), errstr.size()));
  if (client == nullptr) return absl::InternalError(absl::StrCat("mock kafka: ", errstr.data()));
  conf.release();  // rd_kafka_new took it
  const std::string name(topic);
  internal::KafkaTopic handle(rd_kafka_topic_new(client.get(), name.c_str(), nullptr));
  const rd_kafka_metadata_t* raw = nullptr;
  if (absl::Status asked =
          FromKafka(rd_kafka_metadata(client.get(), 0, handle.get(), &raw, 10000), "metadata");
      !asked.ok()) {
    return asked;
  }
  const internal::KafkaMetadata metadata(raw);
  for (int t = 0; t < metadata->topic_cnt; ++t) {
    const rd_kafka_metadata_topic_t& each = metadata->topics[t];
    if (name != each.topic) continue;
    for (int p = 0; p < each.partition_cnt; ++p) {
      if (each.partitions[p].id == partition) return each.partitions[p].leader;
    }
  }
  return absl::NotFoundError(
      absl::StrCat("mock kafka: no partition ", partition, " of topic ", name));
}

}  // namespace reviewtrail::eventlog
