#pragma once

#include <prometheus/registry.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "reviewtrail/eventlog/event_log.h"
#include "reviewtrail/notifier/webhooks_config.h"
#include "reviewtrail/runtime/clock.h"

namespace reviewtrail::projection {
class ProjectionStore;
}  // namespace reviewtrail::projection

namespace reviewtrail::notifier {

struct WebhookDispatcherOptions {
  std::string store_path;  // a RocksDB directory owned by the dispatcher: the endpoints' cursors
  WebhooksConfig config;
};

// Event webhooks: each configured endpoint receives its tenant's events of the chosen types as
// CloudEvents over HTTP (structured JSON mode, signed like the notifier's webhooks), in log order,
// at least once. One thread per endpoint reads the tenant's partition from the endpoint's cursor
// and POSTs one event at a time; the cursor (the next offset, in the dispatcher's
// ProjectionStore) moves past an event only once the receiver answered 2xx, so a crash or a
// restart resends at most the event that was in flight. A failed attempt is retried with backoff;
// after `pause_after_failures` failures in a row the endpoint is paused (metric, log line) and
// probed with the same event every `probe_interval` until it answers 2xx, then resumes in order.
// No event is ever skipped.
//
//   running --(failure)--> retrying --(N failures in a row)--> paused
//      ^                      |                                  |
//      +-------(2xx)----------+---------------(2xx)--------------+
//
// Thread-safety: Start/Stop from the owner's thread; Cursor from any thread.
class WebhookDispatcher {
 public:
  // Opens the store, loads each endpoint's cursor (a new endpoint starts at the tenant's first
  // event, or at the log's end with start_at_now) and starts one thread per endpoint.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<WebhookDispatcher>> Start(
      eventlog::EventLog& log, const runtime::Clock& clock, prometheus::Registry& registry,
      WebhookDispatcherOptions options);
  ~WebhookDispatcher();
  WebhookDispatcher(const WebhookDispatcher&) = delete;
  WebhookDispatcher& operator=(const WebhookDispatcher&) = delete;

  // Stops every endpoint's thread (an attempt in flight ends first, within its timeout) and saves
  // the cursors. Idempotent.
  void Stop();

  // The stored cursor of the endpoint labelled "<tenant>/<name>": the position of the next
  // record it reads. NOT_FOUND for an unknown endpoint.
  [[nodiscard]] absl::StatusOr<eventlog::Position> Cursor(std::string_view label) const;

 private:
  class Endpoint;
  class Metrics;
  WebhookDispatcher() = default;

  std::unique_ptr<projection::ProjectionStore> store_;
  std::unique_ptr<Metrics> metrics_;
  std::vector<std::unique_ptr<Endpoint>> endpoints_;
};

}  // namespace reviewtrail::notifier
