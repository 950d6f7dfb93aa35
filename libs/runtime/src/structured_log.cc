#include "reviewtrail/runtime/structured_log.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>

namespace reviewtrail::runtime {
namespace {

std::atomic<LogFormat> format{LogFormat::kText};
// The fields of the line being logged on this thread (spdlog's default logger formats on the
// caller's thread), read by the JSON formatter.
thread_local const LogFields* current_fields = nullptr;

std::string Rfc3339Millis(spdlog::log_clock::time_point time) {
  const auto since_epoch = time.time_since_epoch();
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - seconds).count();
  const std::time_t t = seconds.count();
  std::tm utc{};
  gmtime_r(&t, &utc);
  char text[40];
  const size_t n = std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%S", &utc);
  return std::string(text, n) + fmt::format(".{:03}Z", millis);
}

class JsonFormatter final : public spdlog::formatter {
 public:
  explicit JsonFormatter(std::string service) : service_(std::move(service)) {}

  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    nlohmann::ordered_json line;
    line["time"] = Rfc3339Millis(msg.time);
    const spdlog::string_view_t level = spdlog::level::to_string_view(msg.level);
    line["level"] = std::string(level.data(), level.size());
    line["service"] = service_;
    line["message"] = std::string(msg.payload.data(), msg.payload.size());
    if (current_fields != nullptr) {
      for (const auto& [key, value] : *current_fields) line[std::string(key)] = value;
    }
    // Invalid UTF-8 (never expected) is replaced rather than thrown on.
    const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    dest.append(text.data(), text.data() + text.size());
    dest.push_back('\n');
  }

  [[nodiscard]] std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>(service_);
  }

 private:
  std::string service_;
};

}  // namespace

void SetUpLogging(std::string_view service, LogFormat log_format) {
  format.store(log_format);
  if (log_format == LogFormat::kJson) {
    spdlog::set_formatter(std::make_unique<JsonFormatter>(std::string(service)));
  } else {
    spdlog::set_formatter(std::make_unique<spdlog::pattern_formatter>());
  }
}

LogFormat CurrentLogFormat() { return format.load(); }

void Log(spdlog::level::level_enum level, std::string_view message, const LogFields& fields) {
  if (!spdlog::should_log(level)) return;
  if (format.load() == LogFormat::kJson) {
    current_fields = &fields;
    spdlog::log(level, "{}", message);
    current_fields = nullptr;
    return;
  }
  std::string text(message);
  for (const auto& [key, value] : fields) {
    if (value.empty()) continue;
    text += ' ';
    text += key;
    text += '=';
    text += value;
  }
  spdlog::log(level, "{}", text);
}

std::string TraceIdOf(std::string_view traceparent) {
  // version "00" - 32 hex trace id - 16 hex span id - 2 hex flags
  if (traceparent.size() != 55 || traceparent[2] != '-' || traceparent[35] != '-' ||
      traceparent[52] != '-') {
    return "";
  }
  const std::string_view trace_id = traceparent.substr(3, 32);
  for (const char c : trace_id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return "";
  }
  return std::string(trace_id);
}

}  // namespace reviewtrail::runtime
