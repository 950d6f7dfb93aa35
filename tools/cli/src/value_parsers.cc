#include "reviewtrail/cli/value_parsers.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <system_error>
#include <utility>
#include <vector>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/time_util.h"
#include "reviewtrail/cli/result.h"
#include "reviewtrail/domain/civil_date.h"
#include "text.h"

namespace reviewtrail::cli {
namespace {

struct Spelling {
  std::string name;  // lowercase with dashes
  int number;
};

// "EVIDENCE_KIND_TRAINING_RECORD" with prefix "EVIDENCE_KIND_" -> "training-record".
std::vector<Spelling> SpellingsOf(const google::protobuf::EnumDescriptor& descriptor,
                                  std::string_view prefix) {
  std::vector<Spelling> spellings;
  for (int i = 0; i < descriptor.value_count(); ++i) {
    const google::protobuf::EnumValueDescriptor& value = *descriptor.value(i);
    if (value.number() == 0) continue;  // *_UNSPECIFIED is never a valid choice
    std::string name = value.name().substr(prefix.size());
    std::transform(name.begin(), name.end(), name.begin(), [](char c) {
      return c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    });
    spellings.push_back({std::move(name), value.number()});
  }
  return spellings;
}

std::string JoinNames(const std::vector<Spelling>& spellings) {
  std::vector<std::string> names;
  names.reserve(spellings.size());
  for (const Spelling& spelling : spellings) names.push_back(spelling.name);
  return Join(names, "|");
}

Result<int> Lookup(const std::vector<Spelling>& spellings, std::string_view text,
                   std::string_view what) {
  const std::string wanted = ToLowerAscii(TrimAscii(text));
  for (const Spelling& spelling : spellings) {
    if (spelling.name == wanted) return spelling.number;
  }
  return Failure{"'" + std::string(text) + "' is not " + std::string(what) + "; use one of " +
                 JoinNames(spellings)};
}

const std::vector<Spelling>& LinkKinds() {
  static const auto* const kinds =
      new std::vector<Spelling>(SpellingsOf(*v1::LinkKind_descriptor(), "LINK_KIND_"));
  return *kinds;
}

const std::vector<Spelling>& ReviewInputs() {
  static const auto* const inputs =
      new std::vector<Spelling>(SpellingsOf(*v1::ReviewInput_descriptor(), "REVIEW_INPUT_"));
  return *inputs;
}

const std::vector<Spelling>& EvidenceKinds() {
  static const auto* const kinds =
      new std::vector<Spelling>(SpellingsOf(*v1::EvidenceKind_descriptor(), "EVIDENCE_KIND_"));
  return *kinds;
}

const std::vector<Spelling>& NotificationChannels() {
  static const auto* const channels = new std::vector<Spelling>(
      SpellingsOf(*v1::NotificationChannel_descriptor(), "NOTIFICATION_CHANNEL_"));
  return *channels;
}

const std::vector<Spelling>& ActionStatuses() {
  static const auto* const statuses =
      new std::vector<Spelling>(SpellingsOf(*v1::ActionStatus_descriptor(), "ACTION_STATUS_"));
  return *statuses;
}

// The short names people use in meetings; the long enum spellings stay accepted.
const std::vector<Spelling>& DecisionCategories() {
  static const auto* const categories = new std::vector<Spelling>{
      {"improvement", v1::DECISION_CATEGORY_IMPROVEMENT_OPPORTUNITY},
      {"isms-change", v1::DECISION_CATEGORY_ISMS_CHANGE},
      {"resource-need", v1::DECISION_CATEGORY_RESOURCE_NEED},
  };
  return *categories;
}

bool AllDigits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
  });
}

int ToInt(std::string_view digits) {
  int value = 0;
  std::from_chars(digits.data(), digits.data() + digits.size(), value);
  return value;
}

}  // namespace

Result<google::type::Date> ParseIsoDate(std::string_view text) {
  const bool shaped = text.size() == 10 && text[4] == '-' && text[7] == '-' &&
                      AllDigits(text.substr(0, 4)) && AllDigits(text.substr(5, 2)) &&
                      AllDigits(text.substr(8, 2));
  if (!shaped) {
    return Failure{"must be an ISO date YYYY-MM-DD, e.g. 2026-12-31; got '" + std::string(text) +
                   "'"};
  }
  const int year = ToInt(text.substr(0, 4));
  const int month = ToInt(text.substr(5, 2));
  const int day = ToInt(text.substr(8, 2));
  if (!domain::CivilDate{year, month, day}.IsValid()) {
    return Failure{"'" + std::string(text) +
                   "' is not a calendar date (year 1-9999, month 1-12, a day "
                   "that exists in that month)"};
  }
  google::type::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

Result<v1::Link> ParseLink(std::string_view text) {
  const size_t kind_end = text.find(':');
  if (kind_end == std::string_view::npos) {
    return Failure{"must be KIND:REF[:TITLE] with KIND one of " + LinkKindChoices() +
                   ", e.g. control:A.5.15; got '" + std::string(text) + "'"};
  }
  Result<int> kind = Lookup(LinkKinds(), text.substr(0, kind_end), "a link kind");
  if (!kind.ok()) return kind.failure();
  const std::string_view rest = text.substr(kind_end + 1);
  const size_t ref_end = rest.find(':');
  const std::string_view ref = TrimAscii(rest.substr(0, ref_end));
  if (ref.empty()) {
    return Failure{
        "needs a reference after the kind (KIND:REF[:TITLE]), e.g. "
        "risk:R-12; got '" +
        std::string(text) + "'"};
  }
  v1::Link link;
  link.set_kind(static_cast<v1::LinkKind>(*kind));
  link.set_ref(std::string(ref));
  if (ref_end != std::string_view::npos) {
    link.set_title(std::string(TrimAscii(rest.substr(ref_end + 1))));
  }
  return link;
}

Result<v1::ReviewInput> ParseReviewInput(std::string_view text) {
  const std::string wanted = ToLowerAscii(TrimAscii(text));
  for (const Spelling& input : ReviewInputs()) {
    if (wanted == input.name || wanted == input.name.substr(0, 1)) {
      return static_cast<v1::ReviewInput>(input.number);
    }
  }
  return Failure{"'" + std::string(text) + "' is not a clause 9.3.2 input; use a letter a..g (" +
                 ReviewInputChoices() + ")"};
}

Result<v1::DecisionCategory> ParseDecisionCategory(std::string_view text) {
  const std::string wanted = ToLowerAscii(TrimAscii(text));
  if (wanted == "improvement-opportunity") return v1::DECISION_CATEGORY_IMPROVEMENT_OPPORTUNITY;
  Result<int> category = Lookup(DecisionCategories(), text, "a decision category");
  if (!category.ok()) return category.failure();
  return static_cast<v1::DecisionCategory>(*category);
}

Result<v1::EvidenceKind> ParseEvidenceKind(std::string_view text) {
  Result<int> kind = Lookup(EvidenceKinds(), text, "an evidence kind");
  if (!kind.ok()) return kind.failure();
  return static_cast<v1::EvidenceKind>(*kind);
}

Result<v1::NotificationChannel> ParseNotificationChannel(std::string_view text) {
  Result<int> channel = Lookup(NotificationChannels(), text, "a notification channel");
  if (!channel.ok()) return channel.failure();
  return static_cast<v1::NotificationChannel>(*channel);
}

Result<v1::ActionStatus> ParseActionStatus(std::string_view text) {
  Result<int> status = Lookup(ActionStatuses(), text, "an action status");
  if (!status.ok()) return status.failure();
  return static_cast<v1::ActionStatus>(*status);
}

Result<v1::LogPosition> ParseLogPosition(std::string_view text) {
  const size_t colon = text.find(':');
  const std::string_view partition = text.substr(0, colon);
  const std::string_view offset =
      colon == std::string_view::npos ? std::string_view() : text.substr(colon + 1);
  int32_t partition_value = 0;
  int64_t offset_value = 0;
  const bool parsed =
      AllDigits(partition) && AllDigits(offset) &&
      std::from_chars(partition.data(), partition.data() + partition.size(), partition_value).ec ==
          std::errc() &&
      std::from_chars(offset.data(), offset.data() + offset.size(), offset_value).ec == std::errc();
  if (!parsed) {
    return Failure{
        "must be a log position PARTITION:OFFSET as a command printed it, e.g. 0:17; got '" +
        std::string(text) + "'"};
  }
  v1::LogPosition position;
  position.set_partition(partition_value);
  position.set_offset(offset_value);
  return position;
}

Result<google::protobuf::Timestamp> ParseRfc3339(std::string_view text) {
  google::protobuf::Timestamp timestamp;
  const std::string trimmed(TrimAscii(text));
  // TimeUtil also takes lowercase 't'/'z' and no zone at all; RFC 3339 needs the zone.
  const bool has_zone =
      !trimmed.empty() && (trimmed.back() == 'Z' || trimmed.back() == 'z' ||
                           (trimmed.size() > 6 && (trimmed[trimmed.size() - 6] == '+' ||
                                                   trimmed[trimmed.size() - 6] == '-')));
  if (!has_zone || !google::protobuf::util::TimeUtil::FromString(trimmed, &timestamp)) {
    return Failure{
        "must be an RFC 3339 instant with a zone, e.g. 2026-11-23T09:00:00Z or "
        "2026-11-23T10:00:00+01:00; got '" +
        std::string(text) + "'"};
  }
  return timestamp;
}

Result<google::protobuf::Timestamp> ParseRfc3339OrDay(std::string_view text) {
  const std::string_view trimmed = TrimAscii(text);
  if (trimmed.size() == 10) {
    Result<google::type::Date> day = ParseIsoDate(trimmed);
    if (!day.ok()) return day.failure();
    return ParseRfc3339(std::string(trimmed) + "T00:00:00Z");
  }
  Result<google::protobuf::Timestamp> instant = ParseRfc3339(trimmed);
  if (!instant.ok()) {
    return Failure{
        "must be an RFC 3339 instant (e.g. 2026-11-23T09:00:00Z) or a day YYYY-MM-DD "
        "(its start, UTC); got '" +
        std::string(text) + "'"};
  }
  return instant;
}

std::string EnumSpelling(const google::protobuf::EnumDescriptor& descriptor, int number,
                         std::string_view prefix) {
  const google::protobuf::EnumValueDescriptor* value = descriptor.FindValueByNumber(number);
  if (value == nullptr) return std::to_string(number);
  std::string name = value->name();
  if (name.starts_with(prefix)) name = name.substr(prefix.size());
  std::transform(name.begin(), name.end(), name.begin(), [](char c) {
    return c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  });
  return name;
}

std::string ActionStatusChoices() { return JoinNames(ActionStatuses()); }
std::string LinkKindChoices() { return JoinNames(LinkKinds()); }
std::string ReviewInputChoices() { return JoinNames(ReviewInputs()); }
std::string DecisionCategoryChoices() { return JoinNames(DecisionCategories()); }
std::string EvidenceKindChoices() { return JoinNames(EvidenceKinds()); }
std::string NotificationChannelChoices() { return JoinNames(NotificationChannels()); }

}  // namespace reviewtrail::cli
