#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "audit_metrics.h"
#include "audit_reader.h"
#include "reviewtrail/audit/export_filter.h"
#include "reviewtrail/audit/stored_view.h"
#include "reviewtrail/v1/audit_service.pb.h"

namespace reviewtrail::audit_service {

// Streams one export: reads entries through a snapshot iterator and writes them in chunks of about
// `chunk_bytes`, starting the next chunk only when gRPC has sent the previous one (flow control:
// memory is one chunk whatever the log's size). Ends with the trailer (chain head as of the
// snapshot). Deletes itself when gRPC is done with it; its callbacks are serialised by gRPC.
class ExportReactor final : public grpc::ServerWriteReactor<v1::ExportAuditLogResponse> {
 public:
  ExportReactor(projection::ProjectionStore& store, std::string tenant,
                v1::AuditExportFormat format, audit::ExportFilter filter, size_t chunk_bytes,
                AuditMetrics& metrics);

  // Starts streaming (the first chunk is the CSV header or the first rows).
  void Begin();

  void OnWriteDone(bool ok) override;
  void OnDone() override;

 private:
  void WriteNext();
  void AppendRow(const audit::StoredView& entry, std::string& data) const;
  void Fail(const grpc::Status& status);

  AuditView view_;
  std::string tenant_;
  v1::AuditExportFormat format_;
  audit::ExportFilter filter_;
  size_t chunk_bytes_;
  AuditMetrics& metrics_;
  Head head_;
  std::unique_ptr<rocksdb::Iterator> entries_;
  v1::ExportAuditLogResponse response_;
  int64_t rows_ = 0;
  bool header_written_ = false;
  bool trailer_written_ = false;
};

}  // namespace reviewtrail::audit_service
