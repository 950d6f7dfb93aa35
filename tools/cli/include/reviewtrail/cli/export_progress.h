#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>

namespace reviewtrail::cli {

// Counts the records of a CSV or JSON Lines document as its bytes stream by, without keeping them.
// JSON Lines: one record per '\n'. CSV (RFC 4180): a '\n' outside a quoted cell ends a row, and
// the first row is the header.
class RowCounter {
 public:
  explicit RowCounter(bool csv) : csv_(csv) {}
  void Add(std::string_view bytes);
  [[nodiscard]] int64_t rows() const;

 private:
  bool csv_;
  bool in_quotes_ = false;
  int64_t lines_ = 0;
};

// "812 B", "4.0 KiB", "5.2 MiB", "1.3 GiB".
std::string FormatBytes(int64_t bytes);

// Progress of a long download on stderr: rows, bytes and rate, at most once per `interval`. On a
// terminal (`in_place`) one line rewritten with "\r"; otherwise (a log) one line per update.
// Silent when disabled.
class ProgressMeter {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  ProgressMeter(std::ostream& err, bool enabled, bool in_place,
                Clock clock = std::chrono::steady_clock::now,
                std::chrono::milliseconds interval = std::chrono::milliseconds(250));

  void Update(int64_t rows, int64_t bytes);
  // Shows the final figures (whatever the interval) and ends the line.
  void Finish(int64_t rows, int64_t bytes);

 private:
  void Show(int64_t rows, int64_t bytes);

  std::ostream& err_;
  bool enabled_;
  bool in_place_;
  Clock clock_;
  std::chrono::milliseconds interval_;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point last_shown_;
};

}  // namespace reviewtrail::cli
