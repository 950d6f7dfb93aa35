#include "reviewtrail/cli/export_progress.h"

#include <algorithm>
#include <cstdio>
#include <utility>

namespace reviewtrail::cli {

void RowCounter::Add(std::string_view bytes) {
  for (char c : bytes) {
    if (csv_ && c == '"') {
      in_quotes_ = !in_quotes_;  // a doubled quote toggles twice: still inside
    } else if (c == '\n' && !in_quotes_) {
      ++lines_;
    }
  }
}

int64_t RowCounter::rows() const { return csv_ ? std::max<int64_t>(lines_ - 1, 0) : lines_; }

std::string FormatBytes(int64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " B";
  static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes) / 1024.0;
  size_t unit = 0;
  while (value >= 1024.0 && unit + 1 < std::size(kUnits)) {
    value /= 1024.0;
    ++unit;
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f %s", value, kUnits[unit]);
  return buffer;
}

ProgressMeter::ProgressMeter(std::ostream& err, bool enabled, bool in_place, Clock clock,
                             std::chrono::milliseconds interval)
    : err_(err),
      enabled_(enabled),
      in_place_(in_place),
      clock_(std::move(clock)),
      interval_(interval),
      started_(clock_()),
      last_shown_(started_) {}

void ProgressMeter::Update(int64_t rows, int64_t bytes) {
  if (!enabled_) return;
  const auto now = clock_();
  if (now - last_shown_ < interval_) return;
  last_shown_ = now;
  Show(rows, bytes);
}

void ProgressMeter::Finish(int64_t rows, int64_t bytes) {
  if (!enabled_) return;
  Show(rows, bytes);
  if (in_place_) err_ << "\n" << std::flush;
}

void ProgressMeter::Show(int64_t rows, int64_t bytes) {
  const double seconds = std::chrono::duration<double>(clock_() - started_).count();
  std::string line = "exported " + std::to_string(rows) + " rows, " + FormatBytes(bytes);
  if (seconds > 0.0) {
    line += " (" + FormatBytes(static_cast<int64_t>(static_cast<double>(bytes) / seconds)) + "/s)";
  }
  if (in_place_) {
    // "\r" and erase-to-end: the previous, possibly longer, line disappears.
    err_ << "\r" << line << "\x1b[K" << std::flush;
  } else {
    err_ << line << "\n" << std::flush;
  }
}

}  // namespace reviewtrail::cli
