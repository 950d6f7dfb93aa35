#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <string>

namespace reviewtrail::query {

// The query service's own Prometheus metrics (its probe). Thread-safe.
//   reviewtrail_queries_total{rpc, code}            calls by RPC and gRPC status code name
//   reviewtrail_query_duration_seconds{rpc}         from receipt to answer, waits included
//   reviewtrail_query_position_wait_seconds         time spent waiting for a min_position
class QueryMetrics {
 public:
  explicit QueryMetrics(prometheus::Registry& registry);

  void Observe(const std::string& rpc, const std::string& code, double seconds);
  void ObservePositionWait(double seconds);

 private:
  prometheus::Family<prometheus::Counter>& queries_;
  prometheus::Family<prometheus::Histogram>& latency_;
  prometheus::Histogram& position_wait_;
};

}  // namespace reviewtrail::query
