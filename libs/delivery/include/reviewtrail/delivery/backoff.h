#pragma once

#include <chrono>
#include <random>

#include "absl/base/thread_annotations.h"
#include "reviewtrail/sync/mutex.h"

namespace reviewtrail::delivery {

// How often and how patiently a delivery is retried: exponential backoff with +-jitter.
struct RetryPolicy {
  int max_attempts = 8;
  std::chrono::milliseconds initial_backoff{1'000};
  std::chrono::milliseconds max_backoff{300'000};
  double multiplier = 2.0;
  double jitter = 0.2;  // each wait is scaled by a uniform factor in [1 - jitter, 1 + jitter]
};

// The waits of a RetryPolicy: after attempt n (1-based) failed, initial_backoff * multiplier^(n-1),
// capped at max_backoff, times a random factor in [1 - jitter, 1 + jitter].
// Thread-safe (one random generator behind a mutex).
class Backoff {
 public:
  explicit Backoff(RetryPolicy policy) : policy_(policy) {}

  [[nodiscard]] const RetryPolicy& policy() const { return policy_; }
  // The wait before the attempt after failed attempt `attempt` (1 for the first failure).
  [[nodiscard]] std::chrono::milliseconds After(int attempt);

 private:
  const RetryPolicy policy_;
  reviewtrail::Mutex mutex_;
  std::mt19937_64 random_ ABSL_GUARDED_BY(mutex_){std::random_device{}()};
};

}  // namespace reviewtrail::delivery
