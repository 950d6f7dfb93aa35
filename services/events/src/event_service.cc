#include "reviewtrail/events/event_service.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <string>
#include <thread>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "event_stream_metrics.h"
#include "reviewtrail/eventlog/cloudevents_headers.h"
#include "reviewtrail/events/event_selector.h"
#include "reviewtrail/rpc/authenticate.h"
#include "reviewtrail/rpc/status_mapping.h"

namespace reviewtrail::events {
namespace {

using SteadyClock = std::chrono::steady_clock;

// How often a stream waiting on the log checks whether it was cancelled or is being stopped.
constexpr std::chrono::milliseconds kMaxPollWait{200};

// A call refused before its stream started.
class Refusal final : public grpc::ServerWriteReactor<v1::SubscribeResponse> {
 public:
  explicit Refusal(const grpc::Status& status) { Finish(status); }
  void OnDone() override { delete this; }
};

grpc::Status InvalidArgument(std::vector<domain::FieldViolation> violations) {
  domain::DomainError error;
  error.code = domain::ErrorCode::kInvalidArgument;
  error.message = "the subscription request is invalid";
  error.violations = std::move(violations);
  return rpc::ToGrpcStatus(error);
}

std::string PositionText(int32_t partition, int64_t offset) {
  return absl::StrCat(partition, ":", offset);
}

v1::LogPosition ProtoPosition(int32_t partition, int64_t offset) {
  v1::LogPosition position;
  position.set_partition(partition);
  position.set_offset(offset);
  return position;
}

}  // namespace

// One Subscribe call: the reactor gRPC drives, and the thread that reads the log for it.
// Created by Subscribe, deleted by OnDone (after its thread has finished the call).
class EventService::Stream final : public grpc::ServerWriteReactor<v1::SubscribeResponse> {
 public:
  Stream(EventService& service, std::string tenant_id, int32_t partition, int64_t start,
         EventSelector selector, std::unique_ptr<eventlog::Subscription> subscription)
      : service_(service),
        tenant_id_(std::move(tenant_id)),
        partition_(partition),
        start_(start),
        selector_(std::move(selector)),
        subscription_(std::move(subscription)) {}

  void Begin() {
    pump_ = std::thread([this] { Pump(); });
  }

  // Asks the stream to end with UNAVAILABLE (the service is stopping).
  void RequestStop() {
    reviewtrail::MutexLock lock(&mu_);
    stopping_ = true;
  }

  void OnWriteDone(bool ok) override {
    reviewtrail::MutexLock lock(&mu_);
    writing_ = false;
    if (!ok) cancelled_ = true;  // the stream broke: the subscriber is gone
  }

  void OnCancel() override {
    reviewtrail::MutexLock lock(&mu_);
    cancelled_ = true;
  }

  void OnDone() override {
    if (pump_.get_id() == std::this_thread::get_id()) {
      pump_.detach();  // gRPC ran OnDone inline on the stream's own thread, at its very end
    } else if (pump_.joinable()) {
      pump_.join();
    }
    service_.Release(this);
    delete this;
  }

 private:
  enum class End { kNone, kCancelled, kStopping, kTooSlow };

  // The stream's thread: poll the log, send what the selector picks, heartbeat when quiet, and
  // finish the call once it has to end. Finish is called here and only here.
  void Pump() {
    EventStreamMetrics& metrics = *service_.metrics_;
    int64_t next = start_;  // the next offset at or after start_ not yet passed over
    auto last_sent = SteadyClock::now();
    grpc::Status status;
    const char* reason = "cancelled";
    while (true) {
      if (End end = Ended(); end != End::kNone) {
        std::tie(status, reason) = EndStatus(end);
        break;
      }
      const auto quiet = SteadyClock::now() - last_sent;
      const auto wait = std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(
                                       service_.options_.heartbeat_interval - quiet),
                                   std::chrono::milliseconds(0), kMaxPollWait);
      absl::StatusOr<std::vector<eventlog::Record>> records =
          subscription_->Poll(service_.options_.poll_records, wait);
      if (!records.ok()) {
        spdlog::warn("event stream of tenant {}: reading the log failed at {}: {}", tenant_id_,
                     PositionText(partition_, next), records.status().ToString());
        status = rpc::ToGrpcStatus(absl::Status(
            records.status().code(),
            absl::StrCat("reading the log failed: ", records.status().message(),
                         "; resume from position ", PositionText(partition_, sent_next_))));
        reason = "log_error";
        break;
      }
      End end = End::kNone;
      for (const eventlog::Record& record : *records) {
        const int64_t offset = record.position.offset;
        if (record.key == tenant_id_) {
          v1::EventEnvelope event;
          if (!event.ParseFromString(record.value)) {
            metrics.undecodable().Increment();
            spdlog::warn("event stream of tenant {}: record {} does not decode; skipped",
                         tenant_id_, PositionText(record.position.partition, offset));
          } else if (selector_.Select(event) && offset >= start_) {
            v1::SubscribeResponse message;
            *message.mutable_next() = ProtoPosition(partition_, offset + 1);
            *message.mutable_position() = ProtoPosition(partition_, offset);
            message.set_event_id(event.event_id());
            message.set_event_type(eventlog::CloudEventsType(event));
            *message.mutable_event() = std::move(event);
            end = Send(std::move(message));
            if (end != End::kNone) break;
            metrics.events().Increment();
            last_sent = SteadyClock::now();
          }
        }
        if (offset >= start_) next = offset + 1;
      }
      if (end == End::kNone &&
          SteadyClock::now() - last_sent >= service_.options_.heartbeat_interval) {
        v1::SubscribeResponse heartbeat;
        *heartbeat.mutable_next() = ProtoPosition(partition_, next);
        end = Send(std::move(heartbeat));
        if (end == End::kNone) {
          metrics.heartbeats().Increment();
          last_sent = SteadyClock::now();
        }
      }
      if (end != End::kNone) {
        std::tie(status, reason) = EndStatus(end);
        break;
      }
    }
    metrics.ended(reason).Increment();
    if (std::string_view(reason) == "too_slow") {
      spdlog::warn("event stream of tenant {} ended: {}", tenant_id_, status.error_message());
    }
    subscription_.reset();  // release the log's cursor (a Kafka consumer) before the call ends
    Finish(status);
  }

  End Ended() {
    reviewtrail::MutexLock lock(&mu_);
    if (cancelled_) return End::kCancelled;
    if (stopping_) return End::kStopping;
    return End::kNone;
  }

  std::pair<grpc::Status, const char*> EndStatus(End end) const {
    const std::string resume = PositionText(partition_, sent_next_);
    switch (end) {
      case End::kTooSlow:
        return {rpc::ToGrpcStatus(absl::ResourceExhaustedError(absl::StrCat(
                    "subscriber too slow: a message waited more than ",
                    service_.options_.stall_limit.count(), " ms to be taken; resume from position ",
                    resume, " (the `next` of the last message sent)"))),
                "too_slow"};
      case End::kStopping:
        return {rpc::ToGrpcStatus(absl::UnavailableError(
                    absl::StrCat("the server is stopping; resume from position ", resume))),
                "stopping"};
      default:
        return {grpc::Status::CANCELLED, "cancelled"};
    }
  }

  // Starts writing `message` and waits until gRPC has taken it. The message stays a member until
  // its OnWriteDone, even when the stream ends before that.
  End Send(v1::SubscribeResponse message) {
    {
      reviewtrail::MutexLock lock(&mu_);
      if (cancelled_) return End::kCancelled;
      if (stopping_) return End::kStopping;
      in_flight_ = std::move(message);
      writing_ = true;
      sent_next_ = in_flight_.next().offset();
    }
    StartWrite(&in_flight_);
    reviewtrail::MutexLock lock(&mu_);
    mu_.AwaitWithTimeout(reviewtrail::Condition(this, &Stream::WriteSettled),
                         absl::FromChrono(service_.options_.stall_limit));
    if (cancelled_) return End::kCancelled;
    if (!writing_) return End::kNone;
    return stopping_ ? End::kStopping : End::kTooSlow;
  }

  EventService& service_;
  const std::string tenant_id_;
  const int32_t partition_;
  const int64_t start_;
  EventSelector selector_;                                // the stream thread's
  std::unique_ptr<eventlog::Subscription> subscription_;  // the stream thread's
  int64_t sent_next_ = start_;  // `next` of the last message handed to gRPC; the stream thread's
  std::thread pump_;

  // The write in flight was taken, or the stream ends.
  [[nodiscard]] bool WriteSettled() const ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    return !writing_ || cancelled_ || stopping_;
  }

  reviewtrail::Mutex mu_;
  v1::SubscribeResponse in_flight_ ABSL_GUARDED_BY(mu_);
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
};

EventService::EventService(eventlog::EventLog& log, const auth::TokenVerifier& verifier,
                           const runtime::Clock& clock, prometheus::Registry& registry,
                           EventServiceOptions options)
    : log_(log),
      verifier_(verifier),
      clock_(clock),
      options_(options),
      metrics_(std::make_unique<EventStreamMetrics>(registry)) {}

EventService::~EventService() { Stop(); }

void EventService::Stop() {
  reviewtrail::MutexLock lock(&mu_);
  stopping_ = true;
  for (Stream* stream : streams_) stream->RequestStop();
  mu_.Await(reviewtrail::Condition(this, &EventService::AllReleased));
}

size_t EventService::OpenStreams() {
  reviewtrail::MutexLock lock(&mu_);
  return streams_.size();
}

void EventService::Release(Stream* stream) {
  reviewtrail::MutexLock lock(&mu_);
  streams_.erase(stream);
  metrics_->open().Set(static_cast<double>(streams_.size()));
}

grpc::ServerWriteReactor<v1::SubscribeResponse>* EventService::Subscribe(
    grpc::CallbackServerContext* context, const v1::SubscribeRequest* request) {
  absl::StatusOr<auth::Principal> principal = rpc::Authenticate(*context, verifier_, clock_.Now());
  if (!principal.ok()) return new Refusal(rpc::ToGrpcStatus(principal.status()));
  if (!principal->HasRole(v1::ROLE_SUBSCRIBER) && !principal->HasRole(v1::ROLE_AUDITOR) &&
      !principal->HasRole(v1::ROLE_SERVICE)) {
    domain::DomainError error;
    error.code = domain::ErrorCode::kPermissionDenied;
    error.rule = "ROLE_REQUIRED";
    error.message = "subscribing to events needs the subscriber, auditor or service role";
    return new Refusal(rpc::ToGrpcStatus(error));
  }
  domain::Result<EventSelector> selector = EventSelector::FromRequest(*request);
  if (!selector.ok()) return new Refusal(rpc::ToGrpcStatus(selector.error()));

  const std::string& tenant_id = principal->tenant_id;
  const int32_t partition = log_.PartitionFor(tenant_id);
  absl::StatusOr<int64_t> end = log_.EndOffset(partition);
  if (!end.ok()) return new Refusal(rpc::ToGrpcStatus(end.status()));
  int64_t start = 0;
  if (request->has_from()) {
    std::vector<domain::FieldViolation> violations;
    if (request->from().partition() != partition) {
      violations.push_back(
          {"from.partition", absl::StrCat("must be the partition of tenant '", tenant_id, "' (",
                                          partition, "): a position from this tenant's stream")});
    }
    if (request->from().offset() < 0) {
      violations.push_back({"from.offset", "must not be negative"});
    } else if (request->from().offset() > *end) {
      violations.push_back({"from.offset", absl::StrCat("must be at most the end of partition ",
                                                        partition, " (", *end, ")")});
    }
    if (!violations.empty()) return new Refusal(InvalidArgument(std::move(violations)));
    start = request->from().offset();
  } else if (request->start_at() == v1::STREAM_START_NOW) {
    start = *end;
  } else if (request->start_at() != v1::STREAM_START_UNSPECIFIED &&
             request->start_at() != v1::STREAM_START_BEGINNING) {
    return new Refusal(InvalidArgument({{"start_at", "must be a StreamStart value"}}));
  }

  const int64_t read_from = selector.value().NeedsHistory() ? 0 : start;
  absl::StatusOr<std::unique_ptr<eventlog::Subscription>> subscription =
      log_.Subscribe({{partition, read_from}});
  if (!subscription.ok()) return new Refusal(rpc::ToGrpcStatus(subscription.status()));

  auto* stream = new Stream(*this, tenant_id, partition, start, std::move(selector).value(),
                            *std::move(subscription));
  {
    reviewtrail::MutexLock lock(&mu_);
    if (stopping_) {
      delete stream;
      return new Refusal(rpc::ToGrpcStatus(absl::UnavailableError("the server is stopping")));
    }
    if (streams_.size() >= options_.max_streams) {
      delete stream;
      return new Refusal(rpc::ToGrpcStatus(absl::ResourceExhaustedError(absl::StrCat(
          "this server already serves ", options_.max_streams, " event streams; retry later"))));
    }
    streams_.insert(stream);
    metrics_->open().Set(static_cast<double>(streams_.size()));
  }
  stream->Begin();
  return stream;
}

}  // namespace reviewtrail::events
