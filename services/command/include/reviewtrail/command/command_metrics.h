#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <string>

namespace reviewtrail::command {

// The command service's Prometheus metrics (its probe). Thread-safe.
//   reviewtrail_commands_total{command, result}        result: ok|duplicate|refused|error code
//   reviewtrail_command_duration_seconds{command}      from receipt to reply
//   reviewtrail_append_batch_events                    events per writer batch appended
class CommandMetrics {
 public:
  explicit CommandMetrics(prometheus::Registry& registry);

  void CountCommand(const std::string& command, const std::string& result);
  void ObserveLatency(const std::string& command, double seconds);
  void ObserveBatch(size_t events);

 private:
  prometheus::Family<prometheus::Counter>& commands_;
  prometheus::Family<prometheus::Histogram>& latency_;
  prometheus::Histogram& batch_;
};

}  // namespace reviewtrail::command
