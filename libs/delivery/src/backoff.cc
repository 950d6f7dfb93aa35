#include "reviewtrail/delivery/backoff.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace reviewtrail::delivery {

std::chrono::milliseconds Backoff::After(int attempt) {
  const double base = static_cast<double>(policy_.initial_backoff.count()) *
                      std::pow(policy_.multiplier, std::max(0, attempt - 1));
  const double capped = std::min(base, static_cast<double>(policy_.max_backoff.count()));
  reviewtrail::MutexLock lock(&mutex_);
  std::uniform_real_distribution<double> factor(1.0 - policy_.jitter, 1.0 + policy_.jitter);
  return std::chrono::milliseconds(static_cast<int64_t>(capped * factor(random_)));
}

}  // namespace reviewtrail::delivery
