#pragma once

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

namespace reviewtrail::events {

// The event service's metrics (one probe). Thread-safe (prometheus-cpp's counters are atomic).
class EventStreamMetrics {
 public:
  explicit EventStreamMetrics(prometheus::Registry& registry)
      : open_(prometheus::BuildGauge()
                  .Name("reviewtrail_event_streams")
                  .Help("Open EventService.Subscribe streams")
                  .Register(registry)
                  .Add({})),
        messages_(prometheus::BuildCounter()
                      .Name("reviewtrail_event_stream_messages_total")
                      .Help("Messages sent on event streams, by kind (event, heartbeat)")
                      .Register(registry)),
        ended_(prometheus::BuildCounter()
                   .Name("reviewtrail_event_streams_ended_total")
                   .Help("Event streams ended by the server or the subscriber, by reason")
                   .Register(registry)),
        undecodable_(prometheus::BuildCounter()
                         .Name("reviewtrail_event_stream_undecodable_total")
                         .Help("Log records an event stream skipped because they do not decode")
                         .Register(registry)
                         .Add({})),
        events_(messages_.Add({{"kind", "event"}})),
        heartbeats_(messages_.Add({{"kind", "heartbeat"}})) {}

  prometheus::Gauge& open() { return open_; }
  prometheus::Counter& events() { return events_; }
  prometheus::Counter& heartbeats() { return heartbeats_; }
  prometheus::Counter& undecodable() { return undecodable_; }
  prometheus::Counter& ended(const char* reason) { return ended_.Add({{"reason", reason}}); }

 private:
  prometheus::Gauge& open_;
  prometheus::Family<prometheus::Counter>& messages_;
  prometheus::Family<prometheus::Counter>& ended_;
  prometheus::Counter& undecodable_;
  prometheus::Counter& events_;
  prometheus::Counter& heartbeats_;
};

}  // namespace reviewtrail::events
