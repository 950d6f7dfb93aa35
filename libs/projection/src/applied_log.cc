#include "applied_log.h"

#include <chrono>

#include "google/protobuf/util/time_util.h"
#include "reviewtrail/runtime/structured_log.h"
#include "spdlog/spdlog.h"

namespace reviewtrail::projection {

void LogApplied(const std::string& projection, const eventlog::Position& position,
                const v1::EventEnvelope& event, const std::string& event_type) {
  // Events without a trace (recorded before traces, or by tools) have nothing to follow.
  if (event.traceparent().empty()) return;
  const auto recorded = std::chrono::system_clock::time_point(std::chrono::milliseconds(
      google::protobuf::util::TimeUtil::TimestampToMilliseconds(event.recorded_at())));
  const bool live = std::chrono::system_clock::now() - recorded < std::chrono::minutes(5);
  // One line per event is for log collectors (--log-format json); in text, debug logging only.
  const auto level = live && runtime::CurrentLogFormat() == runtime::LogFormat::kJson
                         ? spdlog::level::info
                         : spdlog::level::debug;
  if (!spdlog::should_log(level)) return;
  runtime::Log(
      level, "applied",
      {{"projection", projection},
       {"tenant", event.tenant_id()},
       {"event_type", event_type},
       {"event_id", event.event_id()},
       {"command_id", event.command_id()},
       {"position", std::to_string(position.partition) + ":" + std::to_string(position.offset)},
       {"trace_id", runtime::TraceIdOf(event.traceparent())}});
}

}  // namespace reviewtrail::projection
