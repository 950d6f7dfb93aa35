#include "reviewtrail/notifier/webhook_dispatcher.h"

#include <google/protobuf/util/json_util.h>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>

#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "reviewtrail/delivery/backoff.h"
#include "reviewtrail/delivery/signed_post.h"
#include "reviewtrail/eventlog/cloudevents_headers.h"
#include "reviewtrail/events/event_selector.h"
#include "reviewtrail/projection/projection_store.h"
#include "reviewtrail/projection/read_view.h"
#include "spdlog/spdlog.h"

namespace reviewtrail::notifier {
namespace {

constexpr char kCursorsTable[] = "webhook_cursors";  // endpoint label -> "partition:offset"
constexpr size_t kPollRecords = 64;
constexpr std::chrono::milliseconds kPollWait{200};  // how soon a poll notices Stop()

std::string EncodeCursor(const eventlog::Position& position) {
  return std::to_string(position.partition) + ":" + std::to_string(position.offset);
}

std::optional<eventlog::Position> DecodeCursor(std::string_view text) {
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  try {
    return eventlog::Position{std::stoi(std::string(text.substr(0, colon))),
                              std::stoll(std::string(text.substr(colon + 1)))};
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

// The dispatcher's metrics, one series per endpoint label. Thread-safe (prometheus-cpp).
class WebhookDispatcher::Metrics {
 public:
  explicit Metrics(prometheus::Registry& registry)
      : delivered_(prometheus::BuildCounter()
                       .Name("reviewtrail_webhook_deliveries_total")
                       .Help("Events a webhook endpoint acknowledged with 2xx")
                       .Register(registry)),
        failed_(prometheus::BuildCounter()
                    .Name("reviewtrail_webhook_failed_attempts_total")
                    .Help("Webhook delivery attempts that got no 2xx (each is retried)")
                    .Register(registry)),
        latency_(prometheus::BuildHistogram()
                     .Name("reviewtrail_webhook_delivery_latency_seconds")
                     .Help("From an event's append to the log to its acknowledgement by the "
                           "webhook endpoint")
                     .Register(registry)),
        lag_(prometheus::BuildGauge()
                 .Name("reviewtrail_webhook_cursor_lag_records")
                 .Help("Records of the tenant's partition past the endpoint's cursor")
                 .Register(registry)),
        paused_(prometheus::BuildGauge()
                    .Name("reviewtrail_webhook_endpoint_paused")
                    .Help("1 while the endpoint is paused after repeated failures (probed "
                          "again at the probe interval)")
                    .Register(registry)) {}

  // The series of one endpoint, all present from the start (at 0).
  struct Series {
    prometheus::Counter& delivered;
    prometheus::Counter& failed;
    prometheus::Histogram& latency;
    prometheus::Gauge& lag;
    prometheus::Gauge& paused;
  };
  Series For(const std::string& label) {
    const prometheus::Labels labels{{"endpoint", label}};
    return Series{
        delivered_.Add(labels), failed_.Add(labels),
        latency_.Add(
            labels, prometheus::Histogram::BucketBoundaries{0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                            0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600}),
        lag_.Add(labels), paused_.Add(labels)};
  }

 private:
  prometheus::Family<prometheus::Counter>& delivered_;
  prometheus::Family<prometheus::Counter>& failed_;
  prometheus::Family<prometheus::Histogram>& latency_;
  prometheus::Family<prometheus::Gauge>& lag_;
  prometheus::Family<prometheus::Gauge>& paused_;
};

// One endpoint: its cursor, its thread and its state (running, retrying, paused). Owned by the
// dispatcher; Run() is its thread; Stop() and Cursor() from any thread.
class WebhookDispatcher::Endpoint {
 public:
  Endpoint(eventlog::EventLog& log, const runtime::Clock& clock, projection::ProjectionStore& store,
           Metrics::Series metrics, EventWebhook webhook, const WebhooksConfig& config,
           events::EventSelector selector)
      : log_(log),
        clock_(clock),
        store_(store),
        metrics_(metrics),
        webhook_(std::move(webhook)),
        label_(webhook_.Label()),
        pause_after_(config.pause_after_failures),
        probe_interval_(config.probe_interval),
        backoff_(config.retry),
        selector_(std::move(selector)) {}

  ~Endpoint() { Stop(); }

  [[nodiscard]] const std::string& label() const { return label_; }

  // Loads (or creates) the cursor and starts the thread.
  [[nodiscard]] absl::Status Start() {
    const int32_t partition = log_.PartitionFor(webhook_.tenant_id);
    absl::StatusOr<std::optional<std::string>> read =
        projection::StoreReadView(store_).Get(kCursorsTable, label_);
    if (!read.ok()) {
      return absl::InternalError("webhook " + label_ +
                                 ": reading its cursor: " + std::string(read.status().message()));
    }
    if (read->has_value()) {
      const std::string& bytes = **read;
      std::optional<eventlog::Position> stored = DecodeCursor(bytes);
      if (!stored.has_value()) {
        return absl::DataLossError("webhook " + label_ + ": unreadable cursor '" + bytes + "'");
      }
      if (stored->partition != partition) {
        return absl::FailedPreconditionError(
            "webhook " + label_ + ": its cursor is in partition " +
            std::to_string(stored->partition) + " but the tenant is now in partition " +
            std::to_string(partition) + " (the log's partition count changed)");
      }
      cursor_ = *stored;
    } else {
      cursor_ = {partition, 0};
      if (webhook_.start_at_now) {
        absl::StatusOr<int64_t> end = log_.EndOffset(partition);
        if (!end.ok()) return end.status();
        cursor_.offset = *end;
      }
      if (absl::Status saved = SaveCursor(); !saved.ok()) return saved;
    }
    absl::StatusOr<std::unique_ptr<eventlog::Subscription>> subscription =
        log_.Subscribe({cursor_});
    if (!subscription.ok()) return subscription.status();
    subscription_ = *std::move(subscription);
    spdlog::info("webhook {}: delivering from {}:{} to {}", label_, cursor_.partition,
                 cursor_.offset, webhook_.target.url);
    thread_ = std::thread([this] { Run(); });
    return absl::OkStatus();
  }

  void Stop() {
    {
      reviewtrail::MutexLock lock(&mutex_);
      stopping_ = true;
    }
    if (thread_.joinable()) thread_.join();
  }

 private:
  // Waits `duration` unless stopped first; false when stopping.
  bool Sleep(std::chrono::milliseconds duration) {
    reviewtrail::MutexLock lock(&mutex_);
    return !mutex_.AwaitWithTimeout(reviewtrail::Condition(&stopping_), absl::FromChrono(duration));
  }

  bool Stopping() {
    reviewtrail::MutexLock lock(&mutex_);
    return stopping_;
  }

  absl::Status SaveCursor() {
    projection::ProjectionStore::Batch batch(store_);
    batch.Put(kCursorsTable, label_, EncodeCursor(cursor_));
    absl::Status saved = store_.Commit(batch, {});
    if (saved.ok()) saved_ = cursor_;
    return saved;
  }

  void SaveCursorIfMoved() {
    if (saved_ == cursor_) return;
    if (absl::Status saved = SaveCursor(); !saved.ok()) {
      // The cursor stays behind: at worst events are sent again after a restart.
      spdlog::error("webhook {}: saving its cursor {}:{}: {}", label_, cursor_.partition,
                    cursor_.offset, saved.ToString());
    }
  }

  void UpdateLag() {
    if (absl::StatusOr<int64_t> end = log_.EndOffset(cursor_.partition); end.ok()) {
      end_ = *end;
    }
    metrics_.lag.Set(static_cast<double>(std::max<int64_t>(0, end_ - cursor_.offset)));
  }

  // The structured-mode CloudEvent of `event`: the attributes of the record's Kafka headers
  // (ce_id -> id, ...; the one function both logs use) and `data`, the proto3 JSON mapping of the
  // EventEnvelope (ce_dataschema names it), whose payload field holds the event's payload.
  static std::string CloudEvent(const v1::EventEnvelope& event) {
    nlohmann::ordered_json body;
    for (const auto& [name, value] : eventlog::CloudEventsHeaders(event)) {
      if (name.starts_with("ce_")) body[name.substr(3)] = value;
    }
    body["datacontenttype"] = "application/json";
    std::string data;
    if (auto printed = google::protobuf::util::MessageToJsonString(event, &data); !printed.ok()) {
      data = "{}";  // not reached: every EventEnvelope has a JSON mapping
    }
    body["data"] = nlohmann::ordered_json::parse(data, nullptr, /*allow_exceptions=*/false);
    return body.dump();
  }

  // Sends `event` until a 2xx (true) or Stop() (false).
  bool Deliver(const v1::EventEnvelope& event, const eventlog::Position& position) {
    const std::string body = CloudEvent(event);
    const delivery::SignedRequest request{.content_type = "application/cloudevents+json",
                                          .headers = {{"Idempotency-Key", event.event_id()}},
                                          .body = body};
    while (!Stopping()) {
      const absl::Status sent = delivery::PostSigned(webhook_.target, request);
      if (sent.ok()) {
        metrics_.delivered.Increment();
        if (event.has_recorded_at()) {
          const auto recorded = std::chrono::system_clock::time_point(
              std::chrono::duration_cast<std::chrono::system_clock::duration>(
                  std::chrono::seconds(event.recorded_at().seconds()) +
                  std::chrono::nanoseconds(event.recorded_at().nanos())));
          metrics_.latency.Observe(
              std::max(0.0, std::chrono::duration<double>(clock_.Now() - recorded).count()));
        }
        if (paused_) {
          spdlog::info("webhook {}: resumed: {}:{} delivered after {} failed attempt(s)", label_,
                       position.partition, position.offset, failures_);
          metrics_.paused.Set(0);
          paused_ = false;
        }
        failures_ = 0;
        return true;
      }
      metrics_.failed.Increment();
      ++failures_;
      if (!paused_ && failures_ >= pause_after_) {
        paused_ = true;
        metrics_.paused.Set(1);
        spdlog::error(
            "webhook {}: paused after {} failed attempts in a row at event {} ({}:{}): {}; "
            "probing every {} ms, the cursor is kept",
            label_, failures_, event.event_id(), position.partition, position.offset,
            sent.ToString(), probe_interval_.count());
      } else if (!paused_) {
        spdlog::warn("webhook {}: event {} ({}:{}) not delivered (attempt {}), retrying: {}",
                     label_, event.event_id(), position.partition, position.offset, failures_,
                     sent.ToString());
      }
      if (!Sleep(paused_ ? probe_interval_ : backoff_.After(failures_))) return false;
    }
    return false;
  }

  void Run() {
    std::deque<eventlog::Record> pending;
    while (!Stopping()) {
      if (pending.empty()) {
        SaveCursorIfMoved();
        absl::StatusOr<std::vector<eventlog::Record>> polled =
            subscription_->Poll(kPollRecords, kPollWait);
        UpdateLag();
        if (!polled.ok()) {
          spdlog::warn("webhook {}: reading the log: {}", label_, polled.status().ToString());
          if (!Sleep(std::chrono::milliseconds(1'000))) break;
          continue;
        }
        pending.assign(std::make_move_iterator(polled->begin()),
                       std::make_move_iterator(polled->end()));
        continue;
      }
      const eventlog::Record& record = pending.front();
      if (record.key == webhook_.tenant_id) {
        v1::EventEnvelope event;
        if (!event.ParseFromString(record.value)) {
          spdlog::error("webhook {}: record {}:{} is not an EventEnvelope; not sent", label_,
                        record.position.partition, record.position.offset);
        } else if (selector_.Select(event) && !Deliver(event, record.position)) {
          break;  // stopping: the cursor stays on this event
        }
      }
      cursor_ = {record.position.partition, record.position.offset + 1};
      if (record.key == webhook_.tenant_id) SaveCursorIfMoved();
      metrics_.lag.Set(static_cast<double>(std::max<int64_t>(0, end_ - cursor_.offset)));
      pending.pop_front();
    }
    SaveCursorIfMoved();
  }

  eventlog::EventLog& log_;
  const runtime::Clock& clock_;
  projection::ProjectionStore& store_;
  Metrics::Series metrics_;
  const EventWebhook webhook_;
  const std::string label_;
  const int pause_after_;
  const std::chrono::milliseconds probe_interval_;
  delivery::Backoff backoff_;

  // The thread's own state.
  events::EventSelector selector_;
  std::unique_ptr<eventlog::Subscription> subscription_;
  eventlog::Position cursor_;  // the next record to read
  eventlog::Position saved_{-1, -1};
  int64_t end_ = 0;
  int failures_ = 0;  // in a row
  bool paused_ = false;

  reviewtrail::Mutex mutex_;
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  std::thread thread_;
};

absl::StatusOr<std::unique_ptr<WebhookDispatcher>> WebhookDispatcher::Start(
    eventlog::EventLog& log, const runtime::Clock& clock, prometheus::Registry& registry,
    WebhookDispatcherOptions options) {
  std::unique_ptr<WebhookDispatcher> dispatcher(new WebhookDispatcher());
  auto store = projection::ProjectionStore::Open(options.store_path, {kCursorsTable});
  if (!store.ok()) return store.status();
  dispatcher->store_ = *std::move(store);
  dispatcher->metrics_ = std::make_unique<Metrics>(registry);
  for (const EventWebhook& webhook : options.config.endpoints) {
    v1::SubscribeRequest filter;
    for (const std::string& type : webhook.event_types) filter.add_event_types(type);
    domain::Result<events::EventSelector> selector = events::EventSelector::FromRequest(filter);
    if (!selector.ok()) {
      return absl::InvalidArgumentError("webhook " + webhook.Label() + ": " +
                                        selector.error().message);
    }
    dispatcher->endpoints_.push_back(std::make_unique<Endpoint>(
        log, clock, *dispatcher->store_, dispatcher->metrics_->For(webhook.Label()), webhook,
        options.config, std::move(selector).value()));
  }
  for (auto& endpoint : dispatcher->endpoints_) {
    if (absl::Status started = endpoint->Start(); !started.ok()) {
      dispatcher->Stop();
      return started;
    }
  }
  return dispatcher;
}

WebhookDispatcher::~WebhookDispatcher() { Stop(); }

void WebhookDispatcher::Stop() {
  for (auto& endpoint : endpoints_) endpoint->Stop();
}

absl::StatusOr<eventlog::Position> WebhookDispatcher::Cursor(std::string_view label) const {
  absl::StatusOr<std::optional<std::string>> read =
      projection::StoreReadView(*store_).Get(kCursorsTable, label);
  if (!read.ok()) return read.status();
  if (!read->has_value()) return absl::NotFoundError("no webhook " + std::string(label));
  std::optional<eventlog::Position> cursor = DecodeCursor(**read);
  if (!cursor.has_value()) return absl::DataLossError("unreadable cursor of " + std::string(label));
  return *cursor;
}

}  // namespace reviewtrail::notifier
