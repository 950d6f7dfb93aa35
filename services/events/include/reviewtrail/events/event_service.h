#pragma once

#include <prometheus/registry.h>

#include <chrono>
#include <cstddef>
#include <memory>
#include <set>

#include "absl/base/thread_annotations.h"
#include "reviewtrail/auth/token_verifier.h"
#include "reviewtrail/eventlog/event_log.h"
#include "reviewtrail/runtime/clock.h"
#include "reviewtrail/sync/mutex.h"
#include "reviewtrail/v1/event_service.grpc.pb.h"

namespace reviewtrail::events {

struct EventServiceOptions {
  // A heartbeat (a message with only `next`) goes out when no message was sent for this long.
  std::chrono::milliseconds heartbeat_interval{15'000};
  // A stream whose subscriber has not taken its pending message for this long is ended with
  // RESOURCE_EXHAUSTED naming its position.
  std::chrono::milliseconds stall_limit{30'000};
  // Streams served at once; one more is refused with RESOURCE_EXHAUSTED.
  size_t max_streams = 64;
  // Records read from the log per poll: with the one pending message, what a stream holds.
  size_t poll_records = 64;
};

class EventStreamMetrics;

// reviewtrail.v1.EventService: each Subscribe call is a stream of its tenant's events read from
// the log (EventLog::Subscribe on the tenant's partition), filtered by an EventSelector.
//
// Flow control: each stream has one thread that polls the log and hands one message at a time to
// the gRPC write reactor, then waits for that write to complete before reading further; so a
// stream reads the log only as fast as its subscriber takes messages and holds at most
// `poll_records` records and one message. Commands never wait for a stream (the log is only
// read). A write not completed within `stall_limit` ends the stream (RESOURCE_EXHAUSTED, with the
// position to resume from in the message).
//
// Metrics: reviewtrail_event_streams (open streams), reviewtrail_event_stream_messages_total{kind:
// event|heartbeat}, reviewtrail_event_streams_ended_total{reason: cancelled|too_slow|stopping|
// log_error}, reviewtrail_event_stream_undecodable_total.
//
// Thread-safety: Subscribe runs on gRPC threads; each stream's reactor callbacks on gRPC threads
// and its own thread. Stop() (and the destructor) from the owner's thread, after the gRPC server
// stopped accepting calls: it ends every open stream with UNAVAILABLE and waits until gRPC has
// released them (which needs the server's shutdown to have cancelled any stuck write).
class EventService final : public v1::EventService::CallbackService {
 public:
  EventService(eventlog::EventLog& log, const auth::TokenVerifier& verifier,
               const runtime::Clock& clock, prometheus::Registry& registry,
               EventServiceOptions options = {});
  ~EventService() override;
  EventService(const EventService&) = delete;
  EventService& operator=(const EventService&) = delete;

  void Stop();

  grpc::ServerWriteReactor<v1::SubscribeResponse>* Subscribe(
      grpc::CallbackServerContext* context, const v1::SubscribeRequest* request) override;

  // Streams open now (for tests and metrics).
  [[nodiscard]] size_t OpenStreams();

 private:
  class Stream;
  void Release(Stream* stream);

  eventlog::EventLog& log_;
  const auth::TokenVerifier& verifier_;
  const runtime::Clock& clock_;
  const EventServiceOptions options_;
  std::unique_ptr<EventStreamMetrics> metrics_;

  [[nodiscard]] bool AllReleased() const ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    return streams_.empty();
  }

  reviewtrail::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::set<Stream*> streams_ ABSL_GUARDED_BY(mu_);  // each is deleted by its OnDone
};

}  // namespace reviewtrail::events
