#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace reviewtrail::tools {

// Latencies of one measurement, in microseconds. One per thread; merged after the run.
class Latencies {
 public:
  void Add(int64_t micros) { samples_.push_back(micros); }
  void Merge(const Latencies& other) {
    samples_.insert(samples_.end(), other.samples_.begin(), other.samples_.end());
  }
  [[nodiscard]] size_t count() const { return samples_.size(); }
  // The q-quantile (0..1) of the samples; sorts in place.
  [[nodiscard]] int64_t Quantile(double q) {
    if (samples_.empty()) return 0;
    std::sort(samples_.begin(), samples_.end());
    const auto index = static_cast<size_t>(q * static_cast<double>(samples_.size() - 1));
    return samples_[index];
  }

 private:
  std::vector<int64_t> samples_;
};

}  // namespace reviewtrail::tools
