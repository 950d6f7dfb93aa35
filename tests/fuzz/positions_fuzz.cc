// The positions clients hand back: page tokens (readmodel/page_token.h) and the CLI's
// --min-position PARTITION:OFFSET (ParseLogPosition).
//
// Input: one selector byte, then the text.
// Oracles: a decoded page token has a non-empty index and last key and encodes back to a token
// that decodes to the same; a token encoded from any index (without '\n') and last key decodes to
// them; an accepted log position is non-negative and prints back as the digits given (leading
// zeros aside); a refused one names the rule.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "reviewtrail/cli/value_parsers.h"
#include "reviewtrail/readmodel/page_token.h"

namespace {

using reviewtrail::readmodel::PageToken;

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "oracle violated: %s\n", what);
  std::abort();
}

std::string_view WithoutLeadingZeros(std::string_view digits) {
  while (digits.size() > 1 && digits.front() == '0') digits.remove_prefix(1);
  return digits;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 3) {
    case 0: {
      const auto token = reviewtrail::readmodel::DecodePageToken(text);
      if (!token.has_value()) break;
      if (token->index.empty() || token->last_key.empty()) Fail("an empty index or last key");
      if (token->index.find('\n') != std::string::npos) Fail("an index holding a newline");
      const auto again =
          reviewtrail::readmodel::DecodePageToken(reviewtrail::readmodel::EncodePageToken(*token));
      if (!again.has_value() || again->index != token->index ||
          again->last_key != token->last_key) {
        Fail("a decoded token does not round-trip");
      }
      break;
    }
    case 1: {
      const size_t cut = text.empty() ? 0 : static_cast<uint8_t>(text[0]) % text.size();
      PageToken token{std::string(text.substr(0, cut)), std::string(text.substr(cut))};
      if (token.index.empty() || token.last_key.empty() ||
          token.index.find('\n') != std::string::npos) {
        break;
      }
      const auto decoded =
          reviewtrail::readmodel::DecodePageToken(reviewtrail::readmodel::EncodePageToken(token));
      if (!decoded.has_value() || decoded->index != token.index ||
          decoded->last_key != token.last_key) {
        Fail("an encoded token does not decode to itself");
      }
      break;
    }
    case 2: {
      const auto position = reviewtrail::cli::ParseLogPosition(text);
      if (!position.ok()) {
        if (position.error().find("PARTITION:OFFSET") == std::string::npos) {
          Fail("a refusal does not name the rule");
        }
        break;
      }
      if (position->partition() < 0 || position->offset() < 0) Fail("a negative position");
      const size_t colon = text.find(':');
      if (colon == std::string_view::npos) Fail("a position without ':' accepted");
      if (std::to_string(position->partition()) != WithoutLeadingZeros(text.substr(0, colon)) ||
          std::to_string(position->offset()) != WithoutLeadingZeros(text.substr(colon + 1))) {
        Fail("a position does not print back as given");
      }
      break;
    }
  }
  return 0;
}
