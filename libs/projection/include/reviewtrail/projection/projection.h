#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "reviewtrail/eventlog/event_log.h"
#include "reviewtrail/projection/changes.h"
#include "reviewtrail/v1/events.pb.h"

namespace reviewtrail::projection {

// A read model fed by the log: turns each event into writes on its tables. Implementations hold no
// state of their own from one batch to the next (everything lives in Changes), so a replay
// rebuilds them exactly. Within a batch they may keep records merged in memory (counters many
// events update) and write them once in Flush. Each instance is called by one thread at a time
// (a parallel catch-up makes one instance per worker).
class Projection {
 public:
  virtual ~Projection() = default;

  // The tables (column families) this projection writes.
  [[nodiscard]] virtual std::vector<std::string> Tables() const = 0;

  // Applies one event found at `position`. A non-OK status stops the runner (the batch is not
  // committed); an event the projection does not care about is simply ignored.
  [[nodiscard]] virtual absl::Status Apply(const eventlog::Position& position,
                                           const v1::EventEnvelope& event, Changes& changes) = 0;

  // Whether the projection must account for every record, even one this build cannot turn into
  // an event (the audit log: one entry per record). Such records are then given to ApplyUnknown
  // with their headers; otherwise the projector counts them as skipped.
  [[nodiscard]] virtual bool AccountsForEveryRecord() const { return false; }
  // A record this build cannot turn into an event (only when AccountsForEveryRecord()): `event` is
  // null when its bytes do not decode, otherwise what did decode, its payload (of a type this
  // build does not know) among the unknown fields. `record` carries its key, bytes and headers.
  // Returns whether the projection accounted for it (false: counted as skipped). A non-OK status
  // stops the runner, as for Apply.
  [[nodiscard]] virtual absl::StatusOr<bool> ApplyUnknown(const eventlog::Record& /*record*/,
                                                          const v1::EventEnvelope* /*event*/,
                                                          Changes& /*changes*/) {
    return false;
  }

  // Ends a batch: writes to `changes` what Apply kept in memory, and forgets it. Called after the
  // batch's last Apply and before its commit; callers of Apply outside a Projector call it too.
  [[nodiscard]] virtual absl::Status Flush(Changes& /*changes*/) { return absl::OkStatus(); }
  // Forgets what Apply kept in memory, unwritten: the batch is abandoned (an Apply failed).
  virtual void Discard() {}
};

}  // namespace reviewtrail::projection
