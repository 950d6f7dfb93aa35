#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "reviewtrail/eventlog/event_log.h"
#include "reviewtrail/projection/changes.h"
#include "reviewtrail/v1/events.pb.h"

namespace reviewtrail::projection {

// A read model fed by the log: turns each event into writes on its tables. Implementations hold no
// state of their own between calls (everything lives in Changes), so a replay rebuilds them
// exactly. Called by one ProjectorRunner thread.
class Projection {
 public:
  virtual ~Projection() = default;

  // The tables (column families) this projection writes.
  [[nodiscard]] virtual std::vector<std::string> Tables() const = 0;

  // Applies one event found at `position`. A non-OK status stops the runner (the batch is not
  // committed); an event the projection does not care about is simply ignored.
  [[nodiscard]] virtual absl::Status Apply(const eventlog::Position& position,
                                           const v1::EventEnvelope& event, Changes& changes) = 0;
};

}  // namespace reviewtrail::projection
