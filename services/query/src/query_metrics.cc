#include "reviewtrail/query/query_metrics.h"

namespace reviewtrail::query {
namespace {

prometheus::Histogram::BucketBoundaries LatencyBuckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
}

}  // namespace

QueryMetrics::QueryMetrics(prometheus::Registry& registry)
    : queries_(prometheus::BuildCounter()
                   .Name("reviewtrail_queries_total")
                   .Help("Query calls by RPC and status code")
                   .Register(registry)),
      latency_(prometheus::BuildHistogram()
                   .Name("reviewtrail_query_duration_seconds")
                   .Help("Query latency from receipt to answer, by RPC")
                   .Register(registry)),
      position_wait_(prometheus::BuildHistogram()
                         .Name("reviewtrail_query_position_wait_seconds")
                         .Help("Time queries waited for their min_position to be applied")
                         .Register(registry)
                         .Add({}, LatencyBuckets())) {}

void QueryMetrics::Observe(const std::string& rpc, const std::string& code, double seconds) {
  queries_.Add({{"rpc", rpc}, {"code", code}}).Increment();
  latency_.Add({{"rpc", rpc}}, LatencyBuckets()).Observe(seconds);
}

void QueryMetrics::ObservePositionWait(double seconds) { position_wait_.Observe(seconds); }

}  // namespace reviewtrail::query
