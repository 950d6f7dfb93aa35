#include "reviewtrail/eventlog/kafka_log.h"

#include <librdkafka/rdkafka.h>
#include <sys/types.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "append_batch.h"
#include "kafka_client.h"
#include "kafka_holders.h"
#include "kafka_subscription.h"
#include "reviewtrail/eventlog/partitioner.h"
#include "reviewtrail/sync/mutex.h"

namespace reviewtrail::eventlog {
namespace {

using internal::KafkaErrorStatus;

// What one Append waits for: a delivery report per record. Shared by the appender and the
// per-message delivery contexts, so it outlives whichever finishes last.
class BatchState {
 public:
  explicit BatchState(size_t size) : positions_(size), outstanding_(size) {}

  // Called from the poll thread, once per record.
  void Delivered(size_t index, const rd_kafka_message_t& message) {
    reviewtrail::MutexLock lock(&mu_);
    if (message.err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      positions_[index] = {message.partition, message.offset};
    } else if (first_error_ == RD_KAFKA_RESP_ERR_NO_ERROR) {
      first_error_ = message.err;
      error_text_ = rd_kafka_err2str(message.err);
    }
    --outstanding_;
  }

  // The records from `index` on were never handed to librdkafka.
  void NotProduced(size_t count, rd_kafka_resp_err_t err) {
    reviewtrail::MutexLock lock(&mu_);
    if (first_error_ == RD_KAFKA_RESP_ERR_NO_ERROR) {
      first_error_ = err;
      error_text_ = rd_kafka_err2str(err);
    }
    outstanding_ -= count;
  }

  // Waits for every report; returns the positions or the first error.
  rd_kafka_resp_err_t Wait(std::vector<Position>& positions) {
    reviewtrail::MutexLock lock(&mu_);
    mu_.Await(reviewtrail::Condition(
        +[](size_t* outstanding) { return *outstanding == 0; }, &outstanding_));
    positions = std::move(positions_);
    return first_error_;
  }

 private:
  reviewtrail::Mutex mu_;
  std::vector<Position> positions_ ABSL_GUARDED_BY(mu_);
  size_t outstanding_ ABSL_GUARDED_BY(mu_);
  rd_kafka_resp_err_t first_error_ ABSL_GUARDED_BY(mu_) = RD_KAFKA_RESP_ERR_NO_ERROR;
  std::string error_text_ ABSL_GUARDED_BY(mu_);
};

// The per-message opaque: which batch and which record of it. Deleted by the delivery callback.
struct DeliveryContext {
  std::shared_ptr<BatchState> batch;
  size_t index = 0;
};

class KafkaLogImpl final : public KafkaLog {
 public:
  explicit KafkaLogImpl(KafkaLogConfig config) : config_(std::move(config)) {}
  ~KafkaLogImpl() override;

  absl::Status Init();

  int32_t PartitionCount() const override { return config_.partition_count; }

  int32_t PartitionFor(std::string_view tenant_id) const override {
    return KafkaPartitionFor(tenant_id, config_.partition_count);
  }

  // Deliveries to different partitions do not wait for one another.
  int32_t CommitLanes() const override { return config_.partition_count; }

  std::vector<absl::StatusOr<std::vector<Position>>> AppendEach(
      std::span<const TenantEvents> appends) override;

  absl::StatusOr<int64_t> EndOffset(int32_t partition) override {
    absl::StatusOr<std::pair<int64_t, int64_t>> marks = Watermarks(partition);
    if (!marks.ok()) return marks.status();
    return marks->second;
  }

  absl::StatusOr<std::vector<Record>> ReadWithoutHeaders(int32_t partition, int64_t from,
                                                         size_t max_records) override {
    // librdkafka hands the headers over parsed: leaving them out saves only their copies.
    absl::StatusOr<std::vector<Record>> records = Read(partition, from, max_records);
    if (records.ok()) {
      for (Record& record : *records) record.headers.clear();
    }
    return records;
  }

  absl::StatusOr<std::vector<Record>> Read(int32_t partition, int64_t from,
                                           size_t max_records) override;

  absl::StatusOr<std::unique_ptr<Subscription>> Subscribe(std::vector<Position> start) override;

  absl::StatusOr<std::unique_ptr<GroupSubscription>> SubscribeGroup(
      GroupSubscriptionOptions options) override {
    return internal::NewGroupKafkaSubscription(config_, std::move(options));
  }

  absl::Status WriterHealth() const override { return FatalError(); }

  absl::Status TriggerFatalErrorForTesting() override {
    return KafkaErrorStatus(
        rd_kafka_test_fatal_error(producer_.get(), RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER,
                                  "raised by a test"),
        "test_fatal_error");
  }

 private:
  // Hands one tenant's records to librdkafka. Sets `batch` to what to wait for once anything was
  // produced; returns an error when nothing could be, or no positions when there is nothing to do.
  absl::StatusOr<std::vector<Position>> Produce(const TenantEvents& append,
                                                std::shared_ptr<BatchState>& batch);

  static void OnDelivery(rd_kafka_t* rk, const rd_kafka_message_t* message, void* opaque);
  static void OnError(rd_kafka_t* rk, int err, const char* reason, void* opaque);

  // The producer's fatal error, if one was raised (checked directly, not via the error callback,
  // so no callback ordering can hide it).
  absl::Status FatalError() const;
  absl::Status CheckPartition(int32_t partition) const;
  absl::Status VerifyTopic();
  absl::Status CreateTopic(int brokers);
  absl::StatusOr<std::pair<int64_t, int64_t>> Watermarks(int32_t partition);

  const KafkaLogConfig config_;
  internal::KafkaHandle producer_;
  internal::KafkaTopic topic_;
  std::atomic<bool> stopping_{false};
  std::thread poll_thread_;  // serves delivery reports and error events of `producer_`

  reviewtrail::Mutex reader_mu_;  // serializes Read on the shared reader
  internal::KafkaConsumer reader_ ABSL_GUARDED_BY(reader_mu_);
  // Where the reader is assigned and positioned, when it is.
  std::optional<Position> reader_next_ ABSL_GUARDED_BY(reader_mu_);
};

void KafkaLogImpl::OnDelivery(rd_kafka_t* /*rk*/, const rd_kafka_message_t* message,
                              void* /*opaque*/) {
  std::unique_ptr<DeliveryContext> context(static_cast<DeliveryContext*>(message->_private));
  if (context != nullptr) context->batch->Delivered(context->index, *message);
}

void KafkaLogImpl::OnError(rd_kafka_t* rk, int err, const char* reason, void* /*opaque*/) {
  // Transient errors (a broker down, a connection reset) are retried by librdkafka and need no
  // action; a fatal one is logged here and returned by every Append from now on (FatalError()).
  if (err == RD_KAFKA_RESP_ERR__FATAL) {
    std::array<char, 512> text{};
    const rd_kafka_resp_err_t cause = rd_kafka_fatal_error(rk, text.data(), text.size());
    rd_kafka_log_print(rk, 2, "FATAL",
                       absl::StrCat("event log producer fatal error ", rd_kafka_err2name(cause),
                                    ": ", text.data(), " (", reason, ")")
                           .c_str());
  }
}

absl::Status KafkaLogImpl::FatalError() const {
  std::array<char, 512> text{};
  const rd_kafka_resp_err_t cause = rd_kafka_fatal_error(producer_.get(), text.data(), text.size());
  if (cause == RD_KAFKA_RESP_ERR_NO_ERROR) return absl::OkStatus();
  return absl::InternalError(absl::StrCat("kafka log: producer fatal error ",
                                          rd_kafka_err2name(cause), ": ", text.data()));
}

absl::Status KafkaLogImpl::CheckPartition(int32_t partition) const {
  if (partition < 0 || partition >= config_.partition_count) {
    return absl::InvalidArgumentError(absl::StrCat("kafka log: partition ", partition,
                                                   " not in [0, ", config_.partition_count, ")"));
  }
  return absl::OkStatus();
}

absl::Status KafkaLogImpl::Init() {
  if (config_.partition_count <= 0) {
    return absl::InvalidArgumentError("kafka log: partition_count must be positive");
  }
  absl::StatusOr<internal::KafkaConf> conf =
      internal::BuildKafkaConf(config_, internal::KafkaClientKind::kProducer);
  if (!conf.ok()) return conf.status();
  rd_kafka_conf_set_dr_msg_cb(conf->get(), &KafkaLogImpl::OnDelivery);
  rd_kafka_conf_set_error_cb(conf->get(), &KafkaLogImpl::OnError);
  // The producer's opaque is its configuration, for the statistics callback.
  rd_kafka_conf_set_opaque(conf->get(), const_cast<KafkaLogConfig*>(&config_));
  if (absl::Status s = internal::EnableStatistics(**conf, config_, &internal::StatisticsToConfig);
      !s.ok()) {
    return s;
  }
  std::array<char, 512> errstr{};
  producer_.reset(rd_kafka_new(RD_KAFKA_PRODUCER, conf->get(), errstr.data(), errstr.size()));
  if (producer_ == nullptr) {
    return absl::InternalError(absl::StrCat("kafka log: producer: ", errstr.data()));
  }
  conf->release();  // rd_kafka_new took it
  poll_thread_ = std::thread([this] {
    while (!stopping_.load(std::memory_order_acquire)) rd_kafka_poll(producer_.get(), 100);
  });
  // Verified before any topic handle exists: a handle's metadata request may auto-create it.
  if (absl::Status s = VerifyTopic(); !s.ok()) return s;
  topic_.reset(rd_kafka_topic_new(producer_.get(), config_.topic.c_str(), nullptr));
  if (topic_ == nullptr) {
    return KafkaErrorStatus(rd_kafka_last_error(), "topic handle");
  }

  absl::StatusOr<internal::KafkaConf> reader_conf =
      internal::BuildKafkaConf(config_, internal::KafkaClientKind::kConsumer);
  if (!reader_conf.ok()) return reader_conf.status();
  // assign() needs a group id; the reader never joins the group nor commits to it. It reads what
  // exists (up to the high watermark), so it need not wait long for more, nor prefetch much.
  for (const auto& [name, value] :
       {std::pair{"group.id", "reviewtrail-eventlog-reader"}, std::pair{"fetch.wait.max.ms", "10"},
        std::pair{"queued.max.messages.kbytes", "4096"}}) {
    if (absl::Status s = internal::SetKafkaProperty(**reader_conf, name, value); !s.ok()) {
      return s;
    }
  }
  absl::StatusOr<internal::KafkaConsumer> reader =
      internal::NewKafkaConsumer(*std::move(reader_conf));
  if (!reader.ok()) return reader.status();
  if (absl::Status s = internal::WarmUpConsumer(**reader, config_.topic, config_.request_timeout);
      !s.ok()) {
    return s;
  }
  reviewtrail::MutexLock lock(&reader_mu_);
  reader_ = *std::move(reader);
  return absl::OkStatus();
}

KafkaLogImpl::~KafkaLogImpl() {
  if (producer_ != nullptr) {
    // Every Append has returned by now (the caller owns the log), so nothing waits for these.
    rd_kafka_flush(producer_.get(), internal::TimeoutMs(config_.request_timeout));
  }
  stopping_.store(true, std::memory_order_release);
  if (poll_thread_.joinable()) poll_thread_.join();
  {
    reviewtrail::MutexLock lock(&reader_mu_);
    reader_.reset();
  }
  topic_.reset();
  producer_.reset();
}

absl::Status KafkaLogImpl::VerifyTopic() {
  // A creator waits for its own creation to propagate; others wait for the creator.
  const auto wait = config_.create_topic ? config_.request_timeout : config_.topic_wait;
  const absl::Time deadline = absl::Now() + absl::FromChrono(wait);
  bool create_requested = false;
  bool waiting_logged = false;
  while (true) {
    const rd_kafka_metadata_t* raw = nullptr;
    // All topics: asking for one topic by handle could auto-create it with the broker's defaults.
    const rd_kafka_resp_err_t err = rd_kafka_metadata(producer_.get(), 1, nullptr, &raw,
                                                      internal::TimeoutMs(config_.request_timeout));
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return KafkaErrorStatus(err, absl::StrCat("metadata from ", config_.bootstrap_servers));
    }
    const internal::KafkaMetadata metadata(raw);
    for (int i = 0; i < metadata->topic_cnt; ++i) {
      const rd_kafka_metadata_topic_t& topic = metadata->topics[i];
      if (config_.topic != topic.topic) continue;
      if (topic.err != RD_KAFKA_RESP_ERR_NO_ERROR) break;  // e.g. still being created
      if (topic.partition_cnt != config_.partition_count) {
        return absl::FailedPreconditionError(
            absl::StrCat("kafka log: topic ", config_.topic, " has ", topic.partition_cnt,
                         " partitions, expected ", config_.partition_count,
                         " (--partitions must equal the topic's count, which can never change)"));
      }
      return absl::OkStatus();
    }
    if (config_.create_topic && !create_requested) {
      if (absl::Status s = CreateTopic(metadata->broker_cnt); !s.ok()) return s;
      create_requested = true;
    }
    if (absl::Now() > deadline) {
      if (create_requested) {
        return absl::DeadlineExceededError(
            absl::StrCat("kafka log: topic ", config_.topic, " not visible after creation"));
      }
      return absl::NotFoundError(absl::StrCat(
          "kafka log: topic ", config_.topic, " not found on ", config_.bootstrap_servers,
          config_.topic_wait.count() > 0
              ? absl::StrCat(" after waiting ", config_.topic_wait.count() / 1000, " s")
              : "",
          ": the command service creates it on its first start, or create it yourself "
          "(docs/DEPLOYMENT.md)"));
    }
    if (!config_.create_topic && !waiting_logged) {
      rd_kafka_log_print(
          producer_.get(), 5, "TOPIC",
          absl::StrCat("waiting for topic ", config_.topic, " (created by the command service)")
              .c_str());
      waiting_logged = true;
    }
    absl::SleepFor(absl::Milliseconds(100));  // no notification exists for topic propagation
  }
}

absl::Status KafkaLogImpl::CreateTopic(int brokers) {
  const auto [replication_factor, min_insync] = TopicReplication(config_, brokers);
  if (replication_factor > brokers) {
    return absl::FailedPreconditionError(absl::StrCat(
        "kafka log: cannot create topic ", config_.topic, " with replication factor ",
        replication_factor, " on ", brokers, " broker(s) (--kafka-replication-factor)"));
  }
  if (min_insync > replication_factor) {
    return absl::InvalidArgumentError(absl::StrCat(
        "kafka log: min.insync.replicas ", min_insync, " exceeds the replication factor ",
        replication_factor, " (--kafka-min-insync-replicas)"));
  }
  std::array<char, 512> errstr{};
  internal::KafkaNewTopic topic(rd_kafka_NewTopic_new(config_.topic.c_str(),
                                                      config_.partition_count, replication_factor,
                                                      errstr.data(), errstr.size()));
  if (topic == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("kafka log: new topic: ", errstr.data()));
  }
  // Events are the system of record: the topic never deletes or compacts them.
  const std::string min_insync_text = std::to_string(min_insync);
  for (const auto& [name, value] :
       {std::pair<const char*, const char*>{"retention.ms", "-1"},
        std::pair<const char*, const char*>{"retention.bytes", "-1"},
        std::pair<const char*, const char*>{"cleanup.policy", "delete"},
        std::pair<const char*, const char*>{"min.insync.replicas", min_insync_text.c_str()}}) {
    if (rd_kafka_NewTopic_set_config(topic.get(), name, value) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return absl::InternalError(absl::StrCat("kafka log: topic config ", name));
    }
  }
  internal::KafkaAdminOptions options(
      rd_kafka_AdminOptions_new(producer_.get(), RD_KAFKA_ADMIN_OP_CREATETOPICS));
  const int timeout_ms = internal::TimeoutMs(config_.request_timeout);
  if (rd_kafka_AdminOptions_set_request_timeout(options.get(), timeout_ms, errstr.data(),
                                                errstr.size()) != RD_KAFKA_RESP_ERR_NO_ERROR ||
      rd_kafka_AdminOptions_set_operation_timeout(options.get(), timeout_ms, errstr.data(),
                                                  errstr.size()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return absl::InternalError(absl::StrCat("kafka log: admin options: ", errstr.data()));
  }
  internal::KafkaQueue queue(rd_kafka_queue_new(producer_.get()));
  rd_kafka_NewTopic_t* topics[] = {topic.get()};
  rd_kafka_CreateTopics(producer_.get(), topics, 1, options.get(), queue.get());
  internal::KafkaEvent event(rd_kafka_queue_poll(queue.get(), timeout_ms + 1000));
  if (event == nullptr) return absl::DeadlineExceededError("kafka log: CreateTopics timed out");
  if (rd_kafka_event_error(event.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return absl::UnavailableError(
        absl::StrCat("kafka log: CreateTopics: ", rd_kafka_event_error_string(event.get())));
  }
  size_t count = 0;
  const rd_kafka_topic_result_t** results =
      rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event.get()), &count);
  for (size_t i = 0; i < count; ++i) {
    const rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[i]);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
      const char* text = rd_kafka_topic_result_error_string(results[i]);
      return absl::UnavailableError(absl::StrCat("kafka log: CreateTopics ", config_.topic, ": ",
                                                 rd_kafka_err2name(err), ": ",
                                                 text != nullptr ? text : ""));
    }
  }
  return absl::OkStatus();
}

// Asked with ListOffsets through rd_kafka_offsets_for_times (the timestamps -2 and -1 stand for the
// earliest and the latest offset), not rd_kafka_query_watermark_offsets: before librdkafka 2.3.0
// (Debian bookworm ships 2.0.2) the latter waits forever, whatever its timeout, while the
// partition's leader cannot be reached (librdkafka #2588, fixed by #4460), which held up every
// caller — a projector's stop among them — for as long as the brokers were gone.
absl::StatusOr<std::pair<int64_t, int64_t>> KafkaLogImpl::Watermarks(int32_t partition) {
  if (absl::Status s = CheckPartition(partition); !s.ok()) return s;
  const auto deadline = std::chrono::steady_clock::now() + config_.request_timeout;
  std::array<int64_t, 2> marks{};
  for (size_t which = 0; which < marks.size(); ++which) {
    internal::KafkaPartitionList list(rd_kafka_topic_partition_list_new(1));
    rd_kafka_topic_partition_t* entry =
        rd_kafka_topic_partition_list_add(list.get(), config_.topic.c_str(), partition);
    entry->offset = which == 0 ? RD_KAFKA_OFFSET_BEGINNING : RD_KAFKA_OFFSET_END;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (absl::Status s =
            KafkaErrorStatus(rd_kafka_offsets_for_times(
                                 producer_.get(), list.get(),
                                 internal::TimeoutMs(std::max(left, std::chrono::milliseconds(1)))),
                             "list offsets");
        !s.ok()) {
      return s;
    }
    if (absl::Status s = KafkaErrorStatus(entry->err, "list offsets"); !s.ok()) return s;
    marks[which] = entry->offset;
  }
  return std::make_pair(marks[0], marks[1]);
}

std::vector<absl::StatusOr<std::vector<Position>>> KafkaLogImpl::AppendEach(
    std::span<const TenantEvents> appends) {
  std::vector<absl::StatusOr<std::vector<Position>>> results;
  results.reserve(appends.size());
  std::vector<std::shared_ptr<BatchState>> batches(appends.size());
  // Hand every tenant's records to librdkafka first, so they travel together; then wait.
  for (size_t i = 0; i < appends.size(); ++i) {
    results.push_back(Produce(appends[i], batches[i]));
  }
  for (size_t i = 0; i < appends.size(); ++i) {
    if (batches[i] == nullptr) continue;
    std::vector<Position> positions;
    const rd_kafka_resp_err_t err = batches[i]->Wait(positions);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      results[i] = std::move(positions);
    } else if (absl::Status fatal = FatalError(); !fatal.ok()) {
      results[i] = fatal;
    } else {
      results[i] = KafkaErrorStatus(
          err, absl::StrCat("append to partition ", PartitionFor(appends[i].tenant_id)));
    }
  }
  return results;
}

absl::StatusOr<std::vector<Position>> KafkaLogImpl::Produce(const TenantEvents& append,
                                                            std::shared_ptr<BatchState>& batch) {
  if (absl::Status s = FatalError(); !s.ok()) return s;
  const std::string_view tenant_id = append.tenant_id;
  absl::StatusOr<std::vector<internal::OutgoingRecord>> prepared =
      internal::PrepareAppend(tenant_id, append.events);
  if (!prepared.ok()) return prepared.status();
  if (prepared->empty()) return std::vector<Position>();

  // Six fixed fields and the CloudEvents headers (at most seven), on the stack.
  constexpr size_t kMaxFields = 16;
  for (const internal::OutgoingRecord& record : *prepared) {
    if (6 + record.headers.size() > kMaxFields) {
      return absl::InternalError("kafka log: too many record headers");
    }
  }
  const int32_t partition = PartitionFor(tenant_id);
  batch = std::make_shared<BatchState>(prepared->size());
  const absl::Time deadline = absl::Now() + absl::FromChrono(config_.request_timeout);
  for (size_t i = 0; i < prepared->size(); ++i) {
    const internal::OutgoingRecord& record = (*prepared)[i];
    auto context = std::make_unique<DeliveryContext>(DeliveryContext{batch, i});
    std::array<rd_kafka_vu_t, kMaxFields> fields{};
    size_t n = 0;
    fields[n].vtype = RD_KAFKA_VTYPE_RKT;
    fields[n++].u.rkt = topic_.get();
    fields[n].vtype = RD_KAFKA_VTYPE_PARTITION;
    fields[n++].u.i32 = partition;
    fields[n].vtype = RD_KAFKA_VTYPE_KEY;
    fields[n].u.mem.ptr = const_cast<char*>(tenant_id.data());
    fields[n++].u.mem.size = tenant_id.size();
    fields[n].vtype = RD_KAFKA_VTYPE_VALUE;
    fields[n].u.mem.ptr = const_cast<char*>(record.value.data());
    fields[n++].u.mem.size = record.value.size();
    fields[n].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
    fields[n++].u.i = RD_KAFKA_MSG_F_COPY;
    fields[n].vtype = RD_KAFKA_VTYPE_OPAQUE;
    fields[n++].u.ptr = context.get();
    for (const auto& [name, value] : record.headers) {
      fields[n].vtype = RD_KAFKA_VTYPE_HEADER;
      fields[n].u.header.name = name.c_str();
      fields[n].u.header.val = value.data();
      fields[n++].u.header.size = static_cast<ssize_t>(value.size());
    }
    rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
    while (true) {
      internal::KafkaError error(rd_kafka_produceva(producer_.get(), fields.data(), n));
      err = error == nullptr ? RD_KAFKA_RESP_ERR_NO_ERROR : rd_kafka_error_code(error.get());
      // A full local queue drains as the poll thread serves reports; wait a little, bounded.
      if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL || absl::Now() > deadline) break;
      absl::SleepFor(absl::Milliseconds(1));
    }
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      batch->NotProduced(prepared->size() - i, err);
      break;
    }
    context.release();  // owned by librdkafka's message now; freed in OnDelivery
  }

  return std::vector<Position>();  // settled by the wait
}

absl::StatusOr<std::vector<Record>> KafkaLogImpl::Read(int32_t partition, int64_t from,
                                                       size_t max_records) {
  if (from < 0) return absl::InvalidArgumentError("kafka log: negative offset");
  absl::StatusOr<std::pair<int64_t, int64_t>> marks = Watermarks(partition);
  if (!marks.ok()) return marks.status();
  const auto [low, high] = *marks;
  if (from > high || from < low) {
    return absl::OutOfRangeError(absl::StrCat("kafka log: offset ", from, " of partition ",
                                              partition, " outside [", low, ", ", high, "]"));
  }
  const int64_t to =
      from + static_cast<int64_t>(std::min<size_t>(max_records, static_cast<size_t>(high - from)));
  std::vector<Record> records;
  if (to == from) return records;
  records.reserve(static_cast<size_t>(to - from));

  reviewtrail::MutexLock lock(&reader_mu_);
  // A chunked scan continues where the last Read stopped: the reader stays assigned there and
  // its prefetched records are used; anything else re-assigns.
  if (reader_next_ != Position{partition, from}) {
    internal::KafkaPartitionList list(rd_kafka_topic_partition_list_new(1));
    rd_kafka_topic_partition_list_add(list.get(), config_.topic.c_str(), partition)->offset = from;
    reader_next_.reset();
    if (absl::Status s = KafkaErrorStatus(rd_kafka_assign(reader_.get(), list.get()), "assign");
        !s.ok()) {
      return s;
    }
  }
  const absl::Time deadline = absl::Now() + absl::FromChrono(config_.request_timeout);
  absl::Status status;
  int64_t next = from;
  while (next < to && status.ok()) {
    const int wait_ms = internal::TimeoutMs(std::chrono::milliseconds(
        absl::ToInt64Milliseconds(std::max(deadline - absl::Now(), absl::ZeroDuration()))));
    internal::KafkaMessage message(rd_kafka_consumer_poll(reader_.get(), wait_ms));
    if (message == nullptr) {
      if (wait_ms == 0) {
        status = absl::DeadlineExceededError(
            absl::StrCat("kafka log: read of partition ", partition, " stalled at ", next));
      }
      continue;
    }
    if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      status = internal::ConsumerErrorStatus(*message);
      continue;
    }
    if (message->partition != partition || message->offset != next) continue;  // stale fetch
    records.push_back(internal::ToRecord(*message));
    ++next;
  }
  if (status.ok() && next < high) {
    reader_next_ = Position{partition, next};
  } else {
    reader_next_.reset();
    rd_kafka_assign(reader_.get(), nullptr);  // caught up (or failed): stop fetching
  }
  if (!status.ok()) return status;
  return records;
}

absl::StatusOr<std::unique_ptr<Subscription>> KafkaLogImpl::Subscribe(std::vector<Position> start) {
  std::vector<bool> seen(static_cast<size_t>(config_.partition_count), false);
  for (const Position& position : start) {
    absl::StatusOr<std::pair<int64_t, int64_t>> marks = Watermarks(position.partition);
    if (!marks.ok()) return marks.status();
    if (seen[position.partition]) {
      return absl::InvalidArgumentError(
          absl::StrCat("kafka log: partition ", position.partition, " given twice"));
    }
    seen[position.partition] = true;
    if (position.offset < marks->first || position.offset > marks->second) {
      return absl::OutOfRangeError(absl::StrCat("kafka log: subscribe at offset ", position.offset,
                                                " of partition ", position.partition, " outside [",
                                                marks->first, ", ", marks->second, "]"));
    }
  }
  return internal::NewAssignedKafkaSubscription(config_, start);
}

}  // namespace

std::pair<int16_t, int> KafkaLog::TopicReplication(const KafkaLogConfig& config, int brokers) {
  const auto replication_factor = config.replication_factor > 0
                                      ? config.replication_factor
                                      : static_cast<int16_t>(std::clamp(brokers, 1, 3));
  const int min_insync = config.min_insync_replicas > 0 ? config.min_insync_replicas
                         : replication_factor >= 3      ? 2
                                                        : 1;
  return {replication_factor, min_insync};
}

absl::StatusOr<std::unique_ptr<KafkaLog>> KafkaLog::Open(const KafkaLogConfig& config) {
  auto log = std::make_unique<KafkaLogImpl>(config);
  if (absl::Status s = log->Init(); !s.ok()) return s;
  return log;
}

}  // namespace reviewtrail::eventlog
