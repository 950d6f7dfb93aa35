// The CLI's configuration file (INI/TOML through CLI11's reader, ResolveConnection) and its flag
// value parsers (value_parsers.h).
//
// Input: one selector byte, then
//   0: a config file's text (written to a scratch file, named by --config);
//   1..: a flag value for one of the parsers.
// Oracles: nothing crashes or throws; a refused config names its source; an accepted one has a
// timeout within (0, 86400] s; an accepted date is a real calendar date, an accepted instant
// prints back (RFC 3339) to an instant that parses to the same.

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>

#include "google/protobuf/util/time_util.h"
#include "reviewtrail/cli/config.h"
#include "reviewtrail/cli/value_parsers.h"

namespace {

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "oracle violated: %s\n", what);
  std::abort();
}

const std::string& ScratchFile() {
  static const std::string* const path = [] {
    const char* dir = std::getenv("TMPDIR");
    return new std::string(std::string(dir != nullptr ? dir : "/tmp") + "/reviewtrail-fuzz-cli-" +
                           std::to_string(getpid()) + ".ini");
  }();
  return *path;
}

bool LeapYear(int y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 4) {
    case 0: {
      {
        std::ofstream out(ScratchFile(), std::ios::binary | std::ios::trunc);
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
      }
      reviewtrail::cli::ConnectionFlags flags;
      flags.config_file = ScratchFile();
      const auto no_env = [](const std::string&) -> std::optional<std::string> {
        return std::nullopt;
      };
      const auto settings = reviewtrail::cli::ResolveConnection(flags, no_env);
      if (!settings.ok()) {
        if (settings.error().empty()) Fail("a refusal without a message");
        break;
      }
      if (settings->timeout.count() < 0 || settings->timeout.count() > 86'400'000) {
        Fail("a timeout out of range accepted");
      }
      break;
    }
    case 1: {
      const auto date = reviewtrail::cli::ParseIsoDate(text);
      if (!date.ok()) break;
      const int days[] = {31, LeapYear(date->year()) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
                          31};
      if (date->year() < 1 || date->year() > 9999 || date->month() < 1 || date->month() > 12 ||
          date->day() < 1 || date->day() > days[date->month() - 1]) {
        Fail("an impossible date accepted");
      }
      break;
    }
    case 2: {
      const auto instant = reviewtrail::cli::ParseRfc3339OrDay(text);
      if (!instant.ok()) break;
      const std::string printed = google::protobuf::util::TimeUtil::ToString(*instant);
      const auto again = reviewtrail::cli::ParseRfc3339(printed);
      if (!again.ok() || again->seconds() != instant->seconds() ||
          again->nanos() != instant->nanos()) {
        Fail("an accepted instant does not print back to itself");
      }
      break;
    }
    case 3: {
      (void)reviewtrail::cli::ParseLink(text);
      (void)reviewtrail::cli::ParseReviewInput(text);
      (void)reviewtrail::cli::ParseEvidenceKind(text);
      (void)reviewtrail::cli::ParseActionStatus(text);
      break;
    }
  }
  return 0;
}
