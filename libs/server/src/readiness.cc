#include "reviewtrail/server/readiness.h"

#include "spdlog/spdlog.h"

namespace reviewtrail::server {

Readiness::Readiness(std::vector<std::string> service_names, std::vector<ReadinessCheck> checks,
                     std::chrono::milliseconds period)
    : service_names_(std::move(service_names)), checks_(std::move(checks)), period_(period) {}

Readiness::~Readiness() { Stop(); }

void Readiness::Start(grpc::HealthCheckServiceInterface& health) {
  health_ = &health;
  Report(false);
  (void)Evaluate();
  thread_ = std::thread([this] {
    while (true) {
      {
        reviewtrail::MutexLock lock(&mutex_);
        mutex_.AwaitWithTimeout(reviewtrail::Condition(&stopping_), absl::FromChrono(period_));
        if (stopping_) return;
      }
      (void)Evaluate();
    }
  });
}

void Readiness::Stop() {
  {
    reviewtrail::MutexLock lock(&mutex_);
    if (stopping_) return;
    stopping_ = true;  // wakes the thread (it awaits stopping_)
  }
  if (thread_.joinable()) thread_.join();
  reviewtrail::MutexLock evaluating(&evaluating_);
  if (health_ != nullptr) Report(false);
}

absl::Status Readiness::Evaluate() {
  reviewtrail::MutexLock evaluating(&evaluating_);
  absl::Status result;
  for (const ReadinessCheck& check : checks_) {
    result = check.check();
    if (!result.ok()) break;
  }
  bool changed = false;
  {
    reviewtrail::MutexLock lock(&mutex_);
    if (stopping_) return result;
    changed = !last_.has_value() || last_->ok() != result.ok() ||
              (!result.ok() && last_->code() != result.code());
    last_ = result;
  }
  if (changed) {
    if (result.ok()) {
      spdlog::info("ready: reporting SERVING");
    } else {
      spdlog::warn("not ready: reporting NOT_SERVING: {}", std::string(result.message()));
    }
    if (health_ != nullptr) Report(result.ok());
  }
  return result;
}

absl::Status Readiness::status() const {
  reviewtrail::MutexLock lock(&mutex_);
  return last_.value_or(absl::UnavailableError("readiness not evaluated yet"));
}

void Readiness::Report(bool serving) {
  health_->SetServingStatus("", serving);
  for (const std::string& name : service_names_) health_->SetServingStatus(name, serving);
}

}  // namespace reviewtrail::server
