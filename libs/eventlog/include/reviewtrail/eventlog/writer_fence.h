#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace reviewtrail::eventlog {

// The fencing rule of one partition of the log (docs/WRITER_FENCING.md): which records take effect
// when more than one writer has appended to it. A writer that takes a partition first appends a
// claim with an epoch higher than every claim before it; from then on only its records count, and
// records of an older epoch that appear after the claim are fenced (ignored by every reader). The
// verdict depends on the order of the records in the partition alone, so every reader (the write
// model, the projections, the audit log, the notifier, the event stream) that applies it to the
// same partition accepts the same records, on any Kafka and on the mock cluster.
//
// What a record says of its writer. A record written before fencing existed (or by the embedded
// log's single writer) has epoch 0 and no writer; such records count until the first claim.
struct WriterMark {
  bool claim = false;  // a claim record: `epoch` is the claimed epoch, `writer` the claimant
  int64_t epoch = 0;   // the writer's epoch (for a claim: the epoch it claims)
  std::string_view writer;
};

enum class FenceVerdict {
  kAccepted,    // a record of the current owner at the current epoch: it takes effect
  kClaimed,     // a claim with a higher epoch than any before: its writer owns the partition now
  kStaleClaim,  // a claim whose epoch is not higher than the current one: no effect
  kFenced,      // a record of another epoch or writer than the current claim's: no effect
};

[[nodiscard]] std::string_view FenceVerdictName(FenceVerdict verdict);

// The fence state of one partition, folded over its records in log order. A plain value: one per
// partition per reader; copy it to remember the state at a position.
class WriterFence {
 public:
  // The verdict of the next record of the partition, and the state after it.
  FenceVerdict Admit(const WriterMark& mark);

  [[nodiscard]] int64_t epoch() const { return epoch_; }  // 0: never claimed
  [[nodiscard]] const std::string& owner() const { return owner_; }

  // The epoch a writer claims next: one more than the current one.
  [[nodiscard]] int64_t NextEpoch() const { return epoch_ + 1; }

 private:
  int64_t epoch_ = 0;
  std::string owner_;
};

}  // namespace reviewtrail::eventlog
