#include "audit_metrics.h"

namespace reviewtrail::audit_service {

AuditMetrics::AuditMetrics(prometheus::Registry& registry)
    : requests_(prometheus::BuildCounter()
                    .Name("reviewtrail_audit_requests_total")
                    .Help("Audit API calls by RPC and gRPC status code")
                    .Register(registry)),
      export_rows_(prometheus::BuildCounter()
                       .Name("reviewtrail_audit_export_rows_total")
                       .Help("Audit entries streamed in exports, by format")
                       .Register(registry)),
      verifications_(prometheus::BuildCounter()
                         .Name("reviewtrail_audit_verifications_total")
                         .Help("Audit chain verifications by result (intact, broken)")
                         .Register(registry)),
      verified_entries_(prometheus::BuildCounter()
                            .Name("reviewtrail_audit_verified_entries_total")
                            .Help("Audit entries whose hash was recomputed by verifications")
                            .Register(registry)
                            .Add({})) {}

void AuditMetrics::CountRequest(const std::string& rpc, const std::string& code) {
  requests_.Add({{"rpc", rpc}, {"code", code}}).Increment();
}

void AuditMetrics::CountExportRows(const std::string& format, double rows) {
  export_rows_.Add({{"format", format}}).Increment(rows);
}

void AuditMetrics::CountVerification(bool intact, double entries) {
  verifications_.Add({{"result", intact ? "intact" : "broken"}}).Increment();
  verified_entries_.Increment(entries);
}

}  // namespace reviewtrail::audit_service
