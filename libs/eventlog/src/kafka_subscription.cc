#include "kafka_subscription.h"

#include <algorithm>
#include <string_view>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "kafka_client.h"
#include "kafka_holders.h"
#include "reviewtrail/sync/mutex.h"

namespace reviewtrail::eventlog::internal {
namespace {

// Polls `consumer` into `out` until it holds `max_records`, waiting up to `timeout` for the first
// record and not at all after it. `topic` filters out anything else.
absl::Status PollRecords(rd_kafka_t& consumer, std::string_view topic, size_t max_records,
                         std::chrono::milliseconds timeout, std::vector<Record>& out) {
  const absl::Time deadline = absl::Now() + absl::FromChrono(timeout);
  while (out.size() < max_records) {
    const absl::Duration left = out.empty() ? deadline - absl::Now() : absl::ZeroDuration();
    const int wait_ms = TimeoutMs(
        std::chrono::milliseconds(absl::ToInt64Milliseconds(std::max(left, absl::ZeroDuration()))));
    KafkaMessage message(rd_kafka_consumer_poll(&consumer, wait_ms));
    if (message == nullptr) {
      if (wait_ms == 0) break;
      continue;  // the wait ends at the deadline
    }
    if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (absl::Status s = ConsumerErrorStatus(*message); !s.ok()) return s;
      continue;
    }
    if (message->rkt == nullptr || rd_kafka_topic_name(message->rkt) != topic) continue;
    out.push_back(ToRecord(*message));
  }
  return absl::OkStatus();
}

// A cursor over assigned partitions. Owned and polled by one thread; owns its consumer.
class AssignedKafkaSubscription final : public Subscription {
 public:
  AssignedKafkaSubscription(KafkaConsumer consumer, std::string topic)
      : consumer_(std::move(consumer)), topic_(std::move(topic)) {}

  absl::StatusOr<std::vector<Record>> Poll(size_t max_records,
                                           std::chrono::milliseconds timeout) override {
    std::vector<Record> records;
    if (absl::Status s = PollRecords(*consumer_, topic_, max_records, timeout, records); !s.ok()) {
      return s;
    }
    return records;
  }

 private:
  KafkaConsumer consumer_;
  const std::string topic_;
};

// A consumer-group member. Owned and polled by one thread; rebalance callbacks run on that thread
// inside rd_kafka_consumer_poll (and in the destructor). Owns its consumer.
class KafkaGroupSubscription final : public GroupSubscription {
 public:
  // `config` is the log's, which outlives its subscriptions.
  KafkaGroupSubscription(const KafkaLogConfig& config, std::string topic,
                         GroupSubscriptionOptions options)
      : config_(config), topic_(std::move(topic)), options_(std::move(options)) {}

  ~KafkaGroupSubscription() override {
    consumer_.reset();  // leaves the group now, while the callbacks' state is still alive
  }

  void set_consumer(KafkaConsumer consumer) { consumer_ = std::move(consumer); }

  absl::StatusOr<std::vector<Record>> Poll(size_t max_records,
                                           std::chrono::milliseconds timeout) override {
    pending_.clear();
    const absl::Status polled = PollRecords(*consumer_, topic_, max_records, timeout, pending_);
    if (!rebalance_error_.ok()) return std::exchange(rebalance_error_, absl::OkStatus());
    if (!polled.ok()) return polled;
    return std::exchange(pending_, {});
  }

  std::vector<int32_t> Assignment() const override {
    reviewtrail::MutexLock lock(&mu_);
    return assignment_;
  }

  static void RebalanceCallback(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                                rd_kafka_topic_partition_list_t* partitions, void* opaque) {
    static_cast<KafkaGroupSubscription*>(opaque)->OnRebalance(*rk, err, *partitions);
  }

  static int StatisticsCallback(rd_kafka_t* /*rk*/, char* json, size_t json_len, void* opaque) {
    return DeliverStatistics(static_cast<KafkaGroupSubscription*>(opaque)->config_,
                             std::string_view(json, json_len));
  }

 private:
  void OnRebalance(rd_kafka_t& rk, rd_kafka_resp_err_t err,
                   rd_kafka_topic_partition_list_t& partitions);

  KafkaConsumer consumer_;
  const KafkaLogConfig& config_;
  const std::string topic_;
  const GroupSubscriptionOptions options_;
  std::vector<Record> pending_;   // records of the Poll in progress
  absl::Status rebalance_error_;  // from the last rebalance, reported by the next Poll
  mutable reviewtrail::Mutex mu_;
  std::vector<int32_t> assignment_ ABSL_GUARDED_BY(mu_);  // sorted
};

void KafkaGroupSubscription::OnRebalance(rd_kafka_t& rk, rd_kafka_resp_err_t err,
                                         rd_kafka_topic_partition_list_t& partitions) {
  const bool cooperative = std::string_view(rd_kafka_rebalance_protocol(&rk)) == "COOPERATIVE";
  std::vector<int32_t> ids;
  for (int i = 0; i < partitions.cnt; ++i) ids.push_back(partitions.elems[i].partition);
  std::sort(ids.begin(), ids.end());

  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    for (int i = 0; i < partitions.cnt; ++i) {
      rd_kafka_topic_partition_t& tp = partitions.elems[i];
      const int64_t start = options_.start_offset ? options_.start_offset(tp.partition) : -1;
      tp.offset = start >= 0 ? start : RD_KAFKA_OFFSET_BEGINNING;
    }
    absl::Status assigned;
    if (cooperative) {
      KafkaError error(rd_kafka_incremental_assign(&rk, &partitions));
      if (error != nullptr) {
        assigned = absl::InternalError(
            absl::StrCat("kafka log: incremental assign: ", rd_kafka_error_string(error.get())));
      }
    } else {
      assigned = KafkaErrorStatus(rd_kafka_assign(&rk, &partitions), "assign");
    }
    if (!assigned.ok()) {
      rebalance_error_ = assigned;
      return;
    }
    {
      reviewtrail::MutexLock lock(&mu_);
      assignment_.insert(assignment_.end(), ids.begin(), ids.end());
      std::sort(assignment_.begin(), assignment_.end());
      assignment_.erase(std::unique(assignment_.begin(), assignment_.end()), assignment_.end());
    }
    if (options_.on_assigned) options_.on_assigned(ids);
    return;
  }

  if (err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
    if (options_.on_revoked) options_.on_revoked(ids);
    std::erase_if(pending_, [&](const Record& record) {
      return std::binary_search(ids.begin(), ids.end(), record.position.partition);
    });
    if (cooperative) {
      KafkaError error(rd_kafka_incremental_unassign(&rk, &partitions));
    } else {
      rd_kafka_assign(&rk, nullptr);
    }
    reviewtrail::MutexLock lock(&mu_);
    std::erase_if(assignment_,
                  [&](int32_t p) { return std::binary_search(ids.begin(), ids.end(), p); });
    return;
  }

  rebalance_error_ = KafkaErrorStatus(err, "rebalance");
  rd_kafka_assign(&rk, nullptr);
  std::vector<int32_t> lost;
  {
    reviewtrail::MutexLock lock(&mu_);
    lost.swap(assignment_);
  }
  if (!lost.empty() && options_.on_revoked) options_.on_revoked(lost);
  pending_.clear();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Subscription>> NewAssignedKafkaSubscription(
    const KafkaLogConfig& config, const std::vector<Position>& start) {
  absl::StatusOr<KafkaConf> conf = BuildKafkaConf(config, KafkaClientKind::kConsumer);
  if (!conf.ok()) return conf.status();
  // assign() needs a group id; this consumer never joins the group nor commits to it.
  if (absl::Status s = SetKafkaProperty(**conf, "group.id", "reviewtrail-eventlog-reader");
      !s.ok()) {
    return s;
  }
  // The opaque is the log's configuration (which outlives the subscription), for statistics.
  rd_kafka_conf_set_opaque(conf->get(), const_cast<KafkaLogConfig*>(&config));
  if (absl::Status s = EnableStatistics(**conf, config, &StatisticsToConfig); !s.ok()) return s;
  absl::StatusOr<KafkaConsumer> consumer = NewKafkaConsumer(*std::move(conf));
  if (!consumer.ok()) return consumer.status();
  if (absl::Status s = WarmUpConsumer(**consumer, config.topic, config.request_timeout); !s.ok()) {
    return s;
  }
  KafkaPartitionList list(rd_kafka_topic_partition_list_new(static_cast<int>(start.size())));
  for (const Position& position : start) {
    rd_kafka_topic_partition_list_add(list.get(), config.topic.c_str(), position.partition)
        ->offset = position.offset;
  }
  if (absl::Status s = KafkaErrorStatus(rd_kafka_assign(consumer->get(), list.get()), "assign");
      !s.ok()) {
    return s;
  }
  return std::make_unique<AssignedKafkaSubscription>(*std::move(consumer), config.topic);
}

absl::StatusOr<std::unique_ptr<GroupSubscription>> NewGroupKafkaSubscription(
    const KafkaLogConfig& config, GroupSubscriptionOptions options) {
  if (options.group_id.empty()) return absl::InvalidArgumentError("kafka log: empty group id");
  absl::StatusOr<KafkaConf> conf = BuildKafkaConf(config, KafkaClientKind::kConsumer);
  if (!conf.ok()) return conf.status();
  if (absl::Status s = SetKafkaProperty(**conf, "group.id", options.group_id); !s.ok()) return s;
  auto subscription =
      std::make_unique<KafkaGroupSubscription>(config, config.topic, std::move(options));
  rd_kafka_conf_set_rebalance_cb(conf->get(), &KafkaGroupSubscription::RebalanceCallback);
  if (absl::Status s =
          EnableStatistics(**conf, config, &KafkaGroupSubscription::StatisticsCallback);
      !s.ok()) {
    return s;
  }
  rd_kafka_conf_set_opaque(conf->get(), subscription.get());
  absl::StatusOr<KafkaConsumer> consumer = NewKafkaConsumer(*std::move(conf));
  if (!consumer.ok()) return consumer.status();
  KafkaPartitionList topics(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(topics.get(), config.topic.c_str(), RD_KAFKA_PARTITION_UA);
  if (absl::Status s =
          KafkaErrorStatus(rd_kafka_subscribe(consumer->get(), topics.get()), "subscribe");
      !s.ok()) {
    return s;
  }
  subscription->set_consumer(*std::move(consumer));
  return subscription;
}

}  // namespace reviewtrail::eventlog::internal
