#pragma once

#include <cstddef>
#include <set>
#include <string>

#include "absl/base/thread_annotations.h"
#include "reviewtrail/sync/mutex.h"

namespace reviewtrail::runtime {

// Which `tenant` label value a per-tenant metric series gets (--metrics-tenant-labels N). Off
// (cap 0, the default): metrics aggregate over tenants and carry no tenant label at all, so
// /metrics shows no tenant ids. On: the first `cap` tenants seen keep their own label for the
// life of the process (series stay stable); every later tenant is counted under "other".
//
// Thread-safe.
class TenantLabels {
 public:
  static constexpr const char* kOther = "other";

  explicit TenantLabels(size_t cap = 0) : cap_(cap) {}

  [[nodiscard]] bool enabled() const { return cap_ > 0; }
  [[nodiscard]] size_t cap() const { return cap_; }

  // The label value of `tenant`: itself while it holds (or can take) one of the `cap` slots,
  // kOther otherwise. Only meaningful when enabled().
  [[nodiscard]] std::string LabelOf(const std::string& tenant);

 private:
  const size_t cap_;
  reviewtrail::Mutex mutex_;
  std::set<std::string> labelled_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace reviewtrail::runtime
