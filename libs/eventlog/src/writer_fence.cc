#include "reviewtrail/eventlog/writer_fence.h"

namespace reviewtrail::eventlog {

std::string_view FenceVerdictName(FenceVerdict verdict) {
  switch (verdict) {
    case FenceVerdict::kAccepted:
      return "accepted";
    case FenceVerdict::kClaimed:
      return "claimed";
    case FenceVerdict::kStaleClaim:
      return "stale_claim";
    case FenceVerdict::kFenced:
      return "fenced";
  }
  return "unknown";
}

FenceVerdict WriterFence::Admit(const WriterMark& mark) {
  if (mark.claim) {
    if (mark.epoch <= epoch_ || mark.writer.empty()) return FenceVerdict::kStaleClaim;
    epoch_ = mark.epoch;
    owner_ = std::string(mark.writer);
    return FenceVerdict::kClaimed;
  }
  // Unclaimed partition: the records of before fencing (epoch 0) count, as they always did.
  if (epoch_ == 0) return mark.epoch == 0 ? FenceVerdict::kAccepted : FenceVerdict::kFenced;
  return mark.epoch == epoch_ && mark.writer == owner_ ? FenceVerdict::kAccepted
                                                       : FenceVerdict::kFenced;
}

}  // namespace reviewtrail::eventlog
