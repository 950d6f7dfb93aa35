#include "reviewtrail/runtime/tenant_labels.h"

namespace reviewtrail::runtime {

std::string TenantLabels::LabelOf(const std::string& tenant) {
  reviewtrail::MutexLock lock(&mutex_);
  if (labelled_.contains(tenant)) return tenant;
  if (labelled_.size() < cap_ && tenant != kOther) {
    labelled_.insert(tenant);
    return tenant;
  }
  return kOther;
}

}  // namespace reviewtrail::runtime
