#pragma once

#include <string>

#include "reviewtrail/eventlog/event_log.h"
#include "reviewtrail/v1/events.pb.h"

namespace reviewtrail::projection {

// One log line per event a projection applied: projection, tenant, event type and id, command id,
// log position and trace id (the envelope's traceparent), so one command can be followed through
// every service with grep. Only events with a traceparent; info level for live events (recorded in
// the last 5 minutes), debug for the history a catch-up or a rebuild replays. Identifiers only: no
// names, e-mails or free text.
void LogApplied(const std::string& projection, const eventlog::Position& position,
                const v1::EventEnvelope& event, const std::string& event_type);

}  // namespace reviewtrail::projection
