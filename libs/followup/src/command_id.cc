#include "reviewtrail/followup/command_id.h"

#include <openssl/sha.h>

#include <array>

#include "reviewtrail/domain/limits.h"

namespace reviewtrail::followup {
namespace {

std::string Bounded(const std::string& text) {
  if (text.size() <= domain::kMaxCommandIdLength) return text;
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest.data());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id = "fu:";
  for (unsigned char byte : digest) {
    id += kHex[byte >> 4];
    id += kHex[byte & 0xF];
  }
  return id;
}

}  // namespace

std::string ReminderCommandId(const std::string& action_id, const domain::CivilDate& due_date,
                              int days_before_due) {
  return Bounded("fu:r" + std::to_string(days_before_due) + ":" + due_date.ToString() + ":" +
                 action_id);
}

std::string EscalationCommandId(const std::string& action_id, int level,
                                const domain::CivilDate& due_date, int occurrence) {
  return Bounded("fu:e" + std::to_string(level) + "." + std::to_string(occurrence) + ":" +
                 due_date.ToString() + ":" + action_id);
}

}  // namespace reviewtrail::followup
