#include "notifier_metrics.h"

#include <utility>

namespace reviewtrail::notifier {

NotifierMetrics::NotifierMetrics(prometheus::Registry& registry, size_t tenant_labels)
    : notifications_(prometheus::BuildCounter()
                         .Name("reviewtrail_notifier_notifications_total")
                         .Help("Reminders and escalations by kind, level and recording result")
                         .Register(registry)),
      deliveries_(prometheus::BuildCounter()
                      .Name("reviewtrail_notifier_deliveries_total")
                      .Help("Delivery attempts by channel and result (delivered, retried, failed)")
                      .Register(registry)),
      latency_(prometheus::BuildHistogram()
                   .Name("reviewtrail_notifier_delivery_latency_seconds")
                   .Help("From a notification's record in the log to its delivery, by channel")
                   .Register(registry)),
      pending_(prometheus::BuildGauge()
                   .Name("reviewtrail_notifier_deliveries_pending")
                   .Help("Recorded notifications not yet delivered or given up")
                   .Register(registry)
                   .Add({})),
      next_wakeup_(prometheus::BuildGauge()
                       .Name("reviewtrail_notifier_next_wakeup_timestamp_seconds")
                       .Help("When the notifier next wakes for a due notification (unix time)")
                       .Register(registry)
                       .Add({})),
      overdue_(prometheus::BuildGauge()
                   .Name("reviewtrail_notifier_actions_overdue")
                   .Help("Non-final actions past their due date (by tenant only with "
                         "--metrics-tenant-labels)")
                   .Register(registry)),
      tracked_(prometheus::BuildGauge()
                   .Name("reviewtrail_notifier_actions_tracked")
                   .Help("Non-final actions the notifier follows")
                   .Register(registry)
                   .Add({})),
      tenant_labels_(tenant_labels) {
  if (!tenant_labels_.enabled()) overdue_.Add({}).Set(0);
  // Every series an alert or the dashboard reads exists from the start at 0, so the first failure
  // is an increase() like any other.
  for (const char* channel : {"log", "webhook", "email"}) {
    for (const char* result : {"delivered", "retried", "failed"}) {
      deliveries_.Add({{"channel", channel}, {"result", result}});
    }
    LatencyOf(channel);
  }
  for (const auto& [reminder, level] : {std::pair{true, 0}, {false, 1}, {false, 2}}) {
    for (const char* result : {"recorded", "refused", "retry", "unroutable"}) {
      notifications_.Add({{"kind", reminder ? "reminder" : "escalation"},
                          {"level", std::to_string(level)},
                          {"result", result}});
    }
  }
}

prometheus::Histogram& NotifierMetrics::LatencyOf(const std::string& channel) {
  return latency_.Add({{"channel", channel}}, prometheus::Histogram::BucketBoundaries{
                                                  0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 1800, 7200});
}

void NotifierMetrics::CountNotification(bool reminder, int level, const std::string& result) {
  notifications_
      .Add({{"kind", reminder ? "reminder" : "escalation"},
            {"level", std::to_string(level)},
            {"result", result}})
      .Increment();
}

void NotifierMetrics::CountDelivery(const std::string& channel, const std::string& result) {
  deliveries_.Add({{"channel", channel}, {"result", result}}).Increment();
}

void NotifierMetrics::ObserveDeliveryLatency(const std::string& channel, double seconds) {
  LatencyOf(channel).Observe(seconds);
}

void NotifierMetrics::SetOverdue(const std::map<std::string, double>& by_tenant) {
  if (!tenant_labels_.enabled()) {
    double total = 0;
    for (const auto& [tenant, count] : by_tenant) total += count;
    overdue_.Add({}).Set(total);
    return;
  }
  std::map<std::string, double> by_label;
  for (const auto& [tenant, count] : by_tenant) by_label[tenant_labels_.LabelOf(tenant)] += count;
  // A label seen before and absent now reads 0 rather than its last value.
  for (const std::string& label : overdue_labels_) by_label.emplace(label, 0);
  for (const auto& [label, count] : by_label) {
    overdue_.Add({{"tenant", label}}).Set(count);
    overdue_labels_.insert(label);
  }
}

}  // namespace reviewtrail::notifier
