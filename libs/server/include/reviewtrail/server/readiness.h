#pragma once

#include <grpcpp/health_check_service_interface.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "reviewtrail/sync/mutex.h"

namespace reviewtrail::server {

// One condition a process must meet to serve, e.g. "its projector has caught up" or "its event
// log's producer has not failed". `check` returns OK when met, else why not (UNAVAILABLE with a
// reason a person can act on). It is called from the readiness thread and must not block.
struct ReadinessCheck {
  std::function<absl::Status()> check;
};

// What a process reports through grpc.health.v1: SERVING for "" and for each of its services'
// full names (e.g. "reviewtrail.v1.QueryService") while every check passes, NOT_SERVING
// otherwise: before its read models have caught up with the log, and again whenever a projector
// or the producer has stopped. Kubernetes readiness probes and load balancers ask it.
//
// Evaluates the checks every `period` on a thread of its own and logs each change with its
// reason. Thread-safety: Start/Stop from the owner's thread; Evaluate and status from any thread.
class Readiness {
 public:
  Readiness(std::vector<std::string> service_names, std::vector<ReadinessCheck> checks,
            std::chrono::milliseconds period = std::chrono::milliseconds(200));
  ~Readiness();
  Readiness(const Readiness&) = delete;
  Readiness& operator=(const Readiness&) = delete;

  // Reports through `health` (which must outlive Stop()): NOT_SERVING at once, then what the
  // checks say, re-evaluated every period.
  void Start(grpc::HealthCheckServiceInterface& health);
  // Stops the thread and reports NOT_SERVING (a draining process takes no new calls).
  void Stop();

  // Runs the checks now and reports the result: OK, or the first failing check's reason.
  absl::Status Evaluate();
  // The last result of Evaluate.
  [[nodiscard]] absl::Status status() const;

 private:
  void Report(bool serving);

  const std::vector<std::string> service_names_;
  const std::vector<ReadinessCheck> checks_;
  const std::chrono::milliseconds period_;
  grpc::HealthCheckServiceInterface* health_ = nullptr;  // set by Start

  mutable reviewtrail::Mutex mutex_;
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  std::optional<absl::Status> last_ ABSL_GUARDED_BY(mutex_);
  reviewtrail::Mutex evaluating_
      ABSL_ACQUIRED_BEFORE(mutex_);  // one evaluation (and report) at a time
  std::thread thread_;
};

}  // namespace reviewtrail::server
