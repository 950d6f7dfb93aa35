#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <map>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "reviewtrail/sync/mutex.h"

namespace reviewtrail::command {

// The command service's Prometheus metrics (its probe). Thread-safe.
//   reviewtrail_commands_total{command, result}        result: ok|duplicate|refused|error code
//   reviewtrail_command_duration_seconds{command}      from receipt to reply
//   reviewtrail_append_batch_events                    events per writer batch appended
class CommandMetrics {
 public:
  explicit CommandMetrics(prometheus::Registry& registry);

  void CountCommand(std::string_view command, std::string_view result);
  void ObserveLatency(std::string_view command, double seconds);
  void ObserveBatch(size_t events);

 private:
  // Each time series is looked up in its family once, then found here without building labels.
  template <typename Metric>
  using ByName = std::map<std::string, Metric*, std::less<>>;

  prometheus::Family<prometheus::Counter>& commands_;
  prometheus::Family<prometheus::Histogram>& latency_;
  prometheus::Histogram& batch_;
  reviewtrail::Mutex mutex_;
  std::map<std::string, ByName<prometheus::Counter>, std::less<>> counters_ ABSL_GUARDED_BY(mutex_);
  ByName<prometheus::Histogram> latencies_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace reviewtrail::command
