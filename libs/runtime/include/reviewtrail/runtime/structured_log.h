#pragma once

#include <spdlog/common.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace reviewtrail::runtime {

// Log lines with named fields, for `--log-format json` (one JSON object per line) and text alike.
//
// JSON lines carry "time" (RFC 3339 UTC, milliseconds), "level", "service" (the program name),
// "message", then the line's fields in order. Fields are identifiers, codes and durations only:
// callers never pass names, e-mail addresses or free text (titles, notes, reasons).
//
// Thread-safety: SetUpLogging once at start, before other threads log; the rest from any thread.

enum class LogFormat { kText, kJson };

// Configures spdlog's default logger: its pattern (text) or a JSON formatter naming `service`.
void SetUpLogging(std::string_view service, LogFormat format);
[[nodiscard]] LogFormat CurrentLogFormat();

using LogFields = std::vector<std::pair<std::string_view, std::string>>;

// Logs `message` with `fields`: keys of the JSON object, or " key=value" appended in text.
void Log(spdlog::level::level_enum level, std::string_view message, const LogFields& fields);

// The trace id (32 hex digits) of a W3C traceparent "00-<trace id>-<span id>-<flags>", or empty
// when it is not one.
[[nodiscard]] std::string TraceIdOf(std::string_view traceparent);

}  // namespace reviewtrail::runtime
