#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "reviewtrail/projection/projection_store.h"
#include "reviewtrail/runtime/tenant_labels.h"
#include "reviewtrail/sync/mutex.h"

namespace reviewtrail::audit_service {

struct BackgroundVerifierOptions {
  // How often the chains are verified: each run checks what was appended since the run before
  // (from the last verified entry on, linked to its remembered hash). 0: no background runs.
  std::chrono::milliseconds interval{std::chrono::minutes(1)};
  // How often a run is a full pass instead, from every chain's first entry (catches a change to
  // an entry verified before). The first run after a start is always full.
  std::chrono::milliseconds full_interval{std::chrono::hours(24)};
  // --metrics-tenant-labels: per-tenant reviewtrail_audit_chain_intact series (capped); off: one
  // series for all tenants.
  size_t tenant_labels = 0;
};

// Verifies every tenant's audit hash chain in the background, on a schedule, through the same
// verification as VerifyAuditLog (AuditView::Verify), and exports the outcome:
//
//   reviewtrail_audit_chain_intact                       1 while no chain is known broken, 0 once a
//                                                        run found one (stays 0 until a full pass
//                                                        finds every chain intact again); per
//                                                        tenant {tenant} only with tenant labels
//   reviewtrail_audit_chains_broken                      tenants whose chain is known broken
//   reviewtrail_audit_chain_verification_runs_total{mode, result}
//                                                        mode: incremental|full;
//                                                        result: intact|broken|error
//   reviewtrail_audit_chain_verified_timestamp_seconds   end of the last run without error (unix
//                                                        time; the start time until the first run)
//   reviewtrail_audit_chain_verified_entries_total       entries re-hashed by these runs
//
// A break is logged as an error naming the tenant, the first broken sequence and the reason
// (never the entry's content). Runs read one RocksDB snapshot per tenant, beside the projector's
// commits and the API's requests, on one thread.
//
// Thread-safety: Start/Stop from the owner's thread; RunOnce from one thread at a time.
class BackgroundVerifier {
 public:
  BackgroundVerifier(projection::ProjectionStore& store, prometheus::Registry& registry,
                     BackgroundVerifierOptions options);
  ~BackgroundVerifier();
  BackgroundVerifier(const BackgroundVerifier&) = delete;
  BackgroundVerifier& operator=(const BackgroundVerifier&) = delete;

  // Starts the schedule (nothing when the interval is 0); the first run is immediate and full.
  void Start();
  void Stop();

  struct Run {
    bool full = false;
    int64_t tenants = 0;
    int64_t checked = 0;              // entries re-hashed
    std::vector<std::string> broken;  // tenants whose chain is broken after this run
  };
  // One run now (what the schedule calls); an error of the store fails the run.
  [[nodiscard]] absl::StatusOr<Run> RunOnce(bool full);

 private:
  struct TenantState {
    int64_t verified_sequence = 0;  // the last entry verified intact (0: none yet)
    std::string verified_hash;      // its hash
    bool broken = false;
  };
  [[nodiscard]] absl::StatusOr<std::vector<std::string>> Tenants() const;
  [[nodiscard]] absl::Status VerifyTenant(const std::string& tenant, bool full, Run& run);
  void Publish(const Run& run, const absl::Status& status);
  void Loop();

  projection::ProjectionStore& store_;
  const BackgroundVerifierOptions options_;
  runtime::TenantLabels tenant_labels_;
  std::map<std::string, TenantState> tenants_;

  prometheus::Family<prometheus::Gauge>& intact_;
  prometheus::Gauge& broken_count_;
  prometheus::Family<prometheus::Counter>& runs_;
  prometheus::Gauge& verified_at_;
  prometheus::Counter& verified_entries_;

  reviewtrail::Mutex mutex_;
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  std::thread thread_;
};

}  // namespace reviewtrail::audit_service
