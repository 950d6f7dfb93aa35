#include "background_verifier.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "reviewtrail/audit/audit_view.h"
#include "reviewtrail/audit/store_keys.h"
#include "spdlog/spdlog.h"

namespace reviewtrail::audit_service {
namespace {

double NowSeconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

BackgroundVerifier::BackgroundVerifier(projection::ProjectionStore& store,
                                       prometheus::Registry& registry,
                                       BackgroundVerifierOptions options)
    : store_(store),
      options_(options),
      tenant_labels_(options.tenant_labels),
      intact_(prometheus::BuildGauge()
                  .Name("reviewtrail_audit_chain_intact")
                  .Help("1 while the background verification knows no broken audit chain, 0 once "
                        "it found one (possible tampering)")
                  .Register(registry)),
      broken_count_(prometheus::BuildGauge()
                        .Name("reviewtrail_audit_chains_broken")
                        .Help("Tenants whose audit chain the background verification found broken")
                        .Register(registry)
                        .Add({})),
      runs_(prometheus::BuildCounter()
                .Name("reviewtrail_audit_chain_verification_runs_total")
                .Help("Background audit chain verification runs by mode (incremental, full) and "
                      "result (intact, broken, error)")
                .Register(registry)),
      verified_at_(prometheus::BuildGauge()
                       .Name("reviewtrail_audit_chain_verified_timestamp_seconds")
                       .Help("When the last background verification run without error ended "
                             "(unix time; the start time until the first run)")
                       .Register(registry)
                       .Add({})),
      verified_entries_(prometheus::BuildCounter()
                            .Name("reviewtrail_audit_chain_verified_entries_total")
                            .Help("Audit entries re-hashed by the background verification")
                            .Register(registry)
                            .Add({})) {
  if (!tenant_labels_.enabled()) intact_.Add({}).Set(1);
  verified_at_.Set(NowSeconds());
  for (const char* mode : {"incremental", "full"}) {
    for (const char* result : {"intact", "broken", "error"}) {
      runs_.Add({{"mode", mode}, {"result", result}});
    }
  }
}

BackgroundVerifier::~BackgroundVerifier() { Stop(); }

void BackgroundVerifier::Start() {
  if (options_.interval.count() <= 0) return;
  thread_ = std::thread([this] { Loop(); });
}

void BackgroundVerifier::Stop() {
  {
    reviewtrail::MutexLock lock(&mutex_);
    stopping_ = true;  // wakes Loop (it awaits stopping_)
  }
  if (thread_.joinable()) thread_.join();
}

void BackgroundVerifier::Loop() {
  auto last_full = std::chrono::steady_clock::now();
  bool full = true;
  while (true) {
    absl::StatusOr<Run> run = RunOnce(full);
    if (run.ok() && full) last_full = std::chrono::steady_clock::now();
    // A failed full pass is tried again at the next run.
    full =
        !run.ok() ? full : std::chrono::steady_clock::now() - last_full >= options_.full_interval;
    reviewtrail::MutexLock lock(&mutex_);
    if (mutex_.AwaitWithTimeout(reviewtrail::Condition(&stopping_),
                                absl::FromChrono(options_.interval))) {
      return;
    }
  }
}

absl::StatusOr<std::vector<std::string>> BackgroundVerifier::Tenants() const {
  // Every tenant with an audit log has a head.
  std::vector<std::string> tenants;
  const projection::StoreReadView view(store_);
  absl::Status status =
      view.Scan(audit::kHeads, "", "", [&](std::string_view tenant, std::string_view) {
        tenants.emplace_back(tenant);
        return true;
      });
  if (!status.ok()) return status;
  return tenants;
}

absl::Status BackgroundVerifier::VerifyTenant(const std::string& tenant, bool full, Run& run) {
  TenantState& state = tenants_[tenant];
  // A broken chain stays broken until a full pass finds it intact.
  if (state.broken && !full) return absl::OkStatus();
  const bool incremental = !full && state.verified_sequence > 0;
  const int64_t from = incremental ? state.verified_sequence : 1;
  audit::AuditView view(store_);
  absl::StatusOr<audit::AuditView::Verification> verification = view.Verify(tenant, from, 0);
  if (!verification.ok()) return verification.status();
  run.checked += verification->checked;
  std::optional<audit::ChainBreak> broken = verification->broken;
  if (!broken && incremental) {
    // The run starts at the entry verified last time: it must still be the entry verified then,
    // so the chain verified now continues the chain verified before.
    if (verification->head.sequence < state.verified_sequence) {
      broken = audit::ChainBreak{
          .sequence = verification->head.sequence + 1,
          .reason = "TRUNCATED",
          .description = absl::StrCat("the chain head is ", verification->head.sequence,
                                      " but entry ", state.verified_sequence, " was verified")};
    } else if (absl::StatusOr<audit::Entry> start = view.LoadEntry(tenant, state.verified_sequence);
               !start.ok() || start->hash != state.verified_hash) {
      broken = audit::ChainBreak{
          .sequence = state.verified_sequence,
          .reason = "HASH_MISMATCH",
          .description = "the entry verified by the previous run has changed since"};
    }
  }
  if (broken) {
    if (!state.broken) {
      spdlog::error(
          "audit chain of tenant {} broken at sequence {}: {} ({}); possible tampering, see "
          "docs/DEPLOYMENT.md \"On call\"",
          tenant, broken->sequence, broken->reason, broken->description);
    }
    state.broken = true;
    run.broken.push_back(tenant);
    return absl::OkStatus();
  }
  if (state.broken) spdlog::warn("audit chain of tenant {} verifies intact again", tenant);
  state.broken = false;
  state.verified_sequence = verification->head.sequence;
  state.verified_hash = verification->head.hash;
  return absl::OkStatus();
}

absl::StatusOr<BackgroundVerifier::Run> BackgroundVerifier::RunOnce(bool full) {
  Run run;
  run.full = full;
  absl::Status status;
  absl::StatusOr<std::vector<std::string>> tenants = Tenants();
  if (!tenants.ok()) status = tenants.status();
  if (status.ok()) {
    for (const std::string& tenant : *tenants) {
      ++run.tenants;
      status = VerifyTenant(tenant, full, run);
      if (!status.ok()) break;
    }
    // Tenants known broken before and skipped by an incremental run stay broken.
    for (const auto& [tenant, state] : tenants_) {
      if (state.broken &&
          std::find(run.broken.begin(), run.broken.end(), tenant) == run.broken.end()) {
        run.broken.push_back(tenant);
      }
    }
  }
  Publish(run, status);
  if (!status.ok()) {
    spdlog::error("audit verification ({} run) failed: {}", full ? "full" : "incremental",
                  status.ToString());
    return status;
  }
  return run;
}

void BackgroundVerifier::Publish(const Run& run, const absl::Status& status) {
  verified_entries_.Increment(static_cast<double>(run.checked));
  const char* result = !status.ok() ? "error" : run.broken.empty() ? "intact" : "broken";
  runs_.Add({{"mode", run.full ? "full" : "incremental"}, {"result", result}}).Increment();
  if (!status.ok()) return;
  verified_at_.Set(NowSeconds());
  size_t broken = 0;
  std::map<std::string, double> by_label;
  for (const auto& [tenant, state] : tenants_) {
    if (state.broken) ++broken;
    if (tenant_labels_.enabled()) {
      const std::string label = tenant_labels_.LabelOf(tenant);
      auto [it, inserted] = by_label.emplace(label, 1.0);
      if (state.broken) it->second = 0;
    }
  }
  broken_count_.Set(static_cast<double>(broken));
  if (tenant_labels_.enabled()) {
    for (const auto& [label, value] : by_label) intact_.Add({{"tenant", label}}).Set(value);
  } else {
    intact_.Add({}).Set(broken == 0 ? 1 : 0);
  }
}

}  // namespace reviewtrail::audit_service
