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

void CommandMetrics::CountCommand(const std::string& command, const std::string& result) {
  commands_.Add({{"command", command}, {"result", result}}).Increment();
}

void CommandMetrics::ObserveLatency(const std::string& command, double seconds) {
  latency_.Add({{"command", command}}, LatencyBuckets()).Observe(seconds);
}

void CommandMetrics::ObserveBatch(size_t events) {
  if (events > 0) batch_.Observe(static_cast<double>(events));
}

}  // namespace reviewtrail::command
