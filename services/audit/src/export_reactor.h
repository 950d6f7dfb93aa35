#pragma once

#include <grpcpp/grpcpp.h>

#include <array>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "audit_metrics.h"
#include "reviewtrail/audit/audit_view.h"
#include "reviewtrail/audit/export_filter.h"
#include "reviewtrail/audit/stored_view.h"
#include "reviewtrail/audit/worker_pool.h"
#include "reviewtrail/v1/audit_service.pb.h"

namespace reviewtrail::audit_service {

// Streams one export: a thread of its own reads entries through a snapshot iterator and writes
// their rows (on `format_threads` threads, its own included) into chunks of about `chunk_bytes`,
// while gRPC sends the chunk before (flow control: two chunks at most, one being sent and one
// being filled or waiting, whatever the log's size). Ends with the trailer (chain head as of the
// snapshot, and what the rows must be: see ExportTrailer). Deletes itself when gRPC is done with
// it.
class ExportReactor final : public grpc::ServerWriteReactor<v1::ExportAuditLogResponse> {
 public:
  ExportReactor(projection::ProjectionStore& store, std::string tenant,
                v1::AuditExportFormat format, audit::ExportFilter filter, size_t chunk_bytes,
                size_t format_threads, AuditMetrics& metrics);

  // Starts streaming (the first chunk is the CSV header or the first rows).
  void Begin();

  void OnWriteDone(bool ok) override;
  void OnDone() override;

 private:
  // A message the filling thread prepared: a chunk of rows, the trailer (last), or the status
  // that ends the call instead (failure).
  struct Prepared {
    v1::ExportAuditLogResponse message;
    bool last = false;
    std::optional<grpc::Status> failure;
  };
  // What to do next with gRPC, decided under the lock and done outside it.
  struct Step {
    const v1::ExportAuditLogResponse* write = nullptr;
    std::optional<grpc::Status> finish;
  };

  void Fill();  // the filling thread
  // The rows one thread writes from a consecutive part of the entries read.
  struct Part {
    std::string rows;
    audit::ExportTrail trail{audit::ExportChain::kTenant};  // of its rows
    std::optional<size_t> damaged;  // the first entry of the part that does not decode

    void Clear(audit::ExportChain chain) {
      rows.clear();
      trail = audit::ExportTrail(chain);
      damaged.reset();
    }
  };
  // A stored entry read for the chunk being filled, in read_bytes_.
  struct Read {
    int64_t sequence;
    size_t at;
    size_t size;
  };

  void FillChunk(Prepared& prepared);  // the next chunk, trailer or failure
  // Before the first chunk: narrows a time range to its segment of sequence numbers and positions
  // the iterator at its start. False after setting a failure.
  bool Position(Prepared& prepared);
  void WriteTrailer(v1::ExportTrailer& trailer) const;
  void WriteRows(size_t begin, size_t end, Part& part) const;
  void AppendRow(const audit::StoredView& entry, std::string& data) const;
  [[nodiscard]] Step NextStep();  // with mutex_ held
  void Take(const Step& step);
  void Fail(const grpc::Status& status);

  audit::AuditView view_;
  std::string tenant_;
  v1::AuditExportFormat format_;
  audit::ExportFilter filter_;
  size_t chunk_bytes_;
  AuditMetrics& metrics_;
  audit::Head head_;
  audit::Head chain_last_;  // the last entry of the filter's chain (the head for the tenant's)
  // Used by the filling thread (and its pool) only.
  audit::WorkerPool format_pool_;
  std::unique_ptr<projection::Cursor> entries_;
  std::string read_bytes_;
  std::vector<Read> reads_;
  std::vector<Part> parts_;
  audit::ExportTrail trail_{audit::ExportChain::kTenant};  // of the rows sent
  bool positioned_ = false;
  bool header_written_ = false;

  std::mutex mutex_;
  std::condition_variable slot_freed_;
  std::array<Prepared, 2> slots_;
  std::vector<size_t> free_{0, 1};
  std::deque<size_t> ready_;         // prepared, in order
  std::optional<size_t> in_flight_;  // being written by gRPC
  bool finishing_ = false;           // Finish() called or decided: nothing more is written
  bool stopping_ = false;            // the filling thread must stop
  std::thread filler_;
};

}  // namespace reviewtrail::audit_service
