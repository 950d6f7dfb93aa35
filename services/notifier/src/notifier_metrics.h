#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <string>

namespace reviewtrail::notifier {

// The notifier's Prometheus metrics. Thread-safe.
//   reviewtrail_notifier_notifications_total{kind, level, result}
//       kind: reminder|escalation; result: recorded|refused|retry|unroutable
//   reviewtrail_notifier_deliveries_total{channel, result}   result: delivered|retried|failed
//   reviewtrail_notifier_delivery_latency_seconds{channel}    from record to delivery
//   reviewtrail_notifier_deliveries_pending                   outbox size
//   reviewtrail_notifier_next_wakeup_timestamp_seconds        0 when nothing is planned
//   reviewtrail_notifier_actions_overdue{tenant}
//   reviewtrail_notifier_actions_tracked
class NotifierMetrics {
 public:
  explicit NotifierMetrics(prometheus::Registry& registry);

  void CountNotification(bool reminder, int level, const std::string& result);
  void CountDelivery(const std::string& channel, const std::string& result);
  void ObserveDeliveryLatency(const std::string& channel, double seconds);
  void SetPendingDeliveries(double count) { pending_.Set(count); }
  void SetNextWakeUp(double seconds_since_epoch) { next_wakeup_.Set(seconds_since_epoch); }
  void SetOverdue(const std::string& tenant, double count);
  void SetTracked(double count) { tracked_.Set(count); }

 private:
  prometheus::Family<prometheus::Counter>& notifications_;
  prometheus::Family<prometheus::Counter>& deliveries_;
  prometheus::Family<prometheus::Histogram>& latency_;
  prometheus::Gauge& pending_;
  prometheus::Gauge& next_wakeup_;
  prometheus::Family<prometheus::Gauge>& overdue_;
  prometheus::Gauge& tracked_;
};

}  // namespace reviewtrail::notifier
