#include "reviewtrail/command/command_metrics.h"

namespace reviewtrail::command {
namespace {

const prometheus::Histogram::BucketBoundaries& LatencyBuckets() {
  static const prometheus::Histogram::BucketBoundaries buckets = {
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};
  return buckets;
}

}  // namespace

CommandMetrics::CommandMetrics(prometheus::Registry& registry)
    : commands_(prometheus::BuildCounter()
                    .Name("reviewtrail_commands_total")
                    .Help("Commands handled, by command and result")
                    .Register(registry)),
      latency_(prometheus::BuildHistogram()
                   .Name("reviewtrail_command_duration_seconds")
                   .Help("Time from receiving a command to answering it")
                   .Register(registry)),
      batch_(prometheus::BuildHistogram()
                 .Name("reviewtrail_append_batch_events")
                 .Help("Events appended to the log per writer batch (group commit)")
                 .Register(registry)
                 .Add({}, prometheus::Histogram::BucketBoundaries{1, 2, 4, 8, 16, 32, 64, 128, 256,
                                                                  512})) {}

void CommandMetrics::CountCommand(std::string_view command, std::string_view result) {
  prometheus::Counter* counter = nullptr;
  {
    reviewtrail::MutexLock lock(&mutex_);
    auto by_command = counters_.find(command);
    if (by_command == counters_.end()) {
      by_command = counters_.emplace(std::string(command), ByName<prometheus::Counter>()).first;
    }
    auto by_result = by_command->second.find(result);
    if (by_result == by_command->second.end()) {
      prometheus::Counter& added =
          commands_.Add({{"command", std::string(command)}, {"result", std::string(result)}});
      by_result = by_command->second.emplace(std::string(result), &added).first;
    }
    counter = by_result->second;
  }
  counter->Increment();
}

void CommandMetrics::ObserveLatency(std::string_view command, double seconds) {
  prometheus::Histogram* histogram = nullptr;
  {
    reviewtrail::MutexLock lock(&mutex_);
    auto it = latencies_.find(command);
    if (it == latencies_.end()) {
      prometheus::Histogram& added =
          latency_.Add({{"command", std::string(command)}}, LatencyBuckets());
      it = latencies_.emplace(std::string(command), &added).first;
    }
    histogram = it->second;
  }
  histogram->Observe(seconds);
}

void CommandMetrics::ObserveBatch(size_t events) {
  if (events > 0) batch_.Observe(static_cast<double>(events));
}

}  // namespace reviewtrail::command
