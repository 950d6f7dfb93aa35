#include "notifier_metrics.h"

namespace reviewtrail::notifier {

NotifierMetrics::NotifierMetrics(prometheus::Registry& registry)
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
                   .Help("Non-final actions past their due date, by tenant")
                   .Register(registry)),
      tracked_(prometheus::BuildGauge()
                   .Name("reviewtrail_notifier_actions_tracked")
                   .Help("Non-final actions the notifier follows")
                   .Register(registry)
                   .Add({})) {}

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
  latency_
      .Add({{"channel", channel}},
           prometheus::Histogram::BucketBoundaries{0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 1800, 7200})
      .Observe(seconds);
}

void NotifierMetrics::SetOverdue(const std::string& tenant, double count) {
  overdue_.Add({{"tenant", tenant}}).Set(count);
}

}  // namespace reviewtrail::notifier
