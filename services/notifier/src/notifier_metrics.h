#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <map>
#include <set>
#include <string>

#include "reviewtrail/runtime/tenant_labels.h"

namespace reviewtrail::notifier {

// The notifier's Prometheus metrics. Thread-safe.
//   reviewtrail_notifier_notifications_total{kind, level, result}
//       kind: reminder|escalation; result: recorded|refused|retry|unroutable
//   reviewtrail_notifier_deliveries_total{channel, result}   result: delivered|retried|failed
//   reviewtrail_notifier_delivery_latency_seconds{channel}    from record to delivery
//   reviewtrail_notifier_deliveries_pending                   outbox size
//   reviewtrail_notifier_next_wakeup_timestamp_seconds        0 when nothing is planned
//   reviewtrail_notifier_actions_overdue                      all tenants; with
//                                                             --metrics-tenant-labels N:
//                                                             {tenant} for N tenants + "other"
//   reviewtrail_notifier_actions_tracked
class NotifierMetrics {
 public:
  // tenant_labels: the cap of per-tenant series (0: none, one series for all tenants).
  explicit NotifierMetrics(prometheus::Registry& registry, size_t tenant_labels = 0);

  void CountNotification(bool reminder, int level, const std::string& result);
  void CountDelivery(const std::string& channel, const std::string& result);
  void ObserveDeliveryLatency(const std::string& channel, double seconds);
  void SetPendingDeliveries(double count) { pending_.Set(count); }
  void SetNextWakeUp(double seconds_since_epoch) { next_wakeup_.Set(seconds_since_epoch); }
  // Overdue actions by tenant (every tenant followed, zeros included).
  void SetOverdue(const std::map<std::string, double>& by_tenant);
  void SetTracked(double count) { tracked_.Set(count); }

 private:
  // The latency histogram of `channel` (created on first use).
  prometheus::Histogram& LatencyOf(const std::string& channel);

  prometheus::Family<prometheus::Counter>& notifications_;
  prometheus::Family<prometheus::Counter>& deliveries_;
  prometheus::Family<prometheus::Histogram>& latency_;
  prometheus::Gauge& pending_;
  prometheus::Gauge& next_wakeup_;
  prometheus::Family<prometheus::Gauge>& overdue_;
  prometheus::Gauge& tracked_;
  runtime::TenantLabels tenant_labels_;
  std::set<std::string> overdue_labels_;  // the labels set so far (only SetOverdue's thread)
};

}  // namespace reviewtrail::notifier
