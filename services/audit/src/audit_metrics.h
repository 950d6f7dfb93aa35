#pragma once

#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include <string>

namespace reviewtrail::audit_service {

// The audit service's own metrics (the projector adds reviewtrail_projection_*). Thread-safe.
class AuditMetrics {
 public:
  explicit AuditMetrics(prometheus::Registry& registry);

  void CountRequest(const std::string& rpc, const std::string& code);
  void CountExportRows(const std::string& format, double rows);
  void CountVerification(bool intact, double entries);

 private:
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Counter>& export_rows_;
  prometheus::Family<prometheus::Counter>& verifications_;
  prometheus::Counter& verified_entries_;
};

}  // namespace reviewtrail::audit_service
