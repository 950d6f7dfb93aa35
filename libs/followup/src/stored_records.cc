#include "reviewtrail/followup/stored_records.h"

#include <nlohmann/json.hpp>

namespace reviewtrail::followup {
namespace {

using nlohmann::json;
constexpr char kSeparator = '\x1f';

json DateJson(const domain::CivilDate& date) {
  return json::array({date.year, date.month, date.day});
}

domain::CivilDate DateFrom(const json& value) {
  return domain::CivilDate{value.at(0).get<int32_t>(), value.at(1).get<int32_t>(),
                           value.at(2).get<int32_t>()};
}

template <typename T, typename F>
std::optional<T> Decode(std::string_view bytes, F&& from_json) {
  json value = json::parse(bytes, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded() || !value.is_object()) return std::nullopt;
  try {
    return from_json(value);
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

}  // namespace

std::string TenantKey(std::string_view tenant_id, std::string_view id) {
  std::string key(tenant_id);
  key += kSeparator;
  key += id;
  return key;
}

std::optional<std::pair<std::string, std::string>> SplitTenantKey(std::string_view key) {
  const size_t at = key.find(kSeparator);
  if (at == std::string_view::npos) return std::nullopt;
  return std::make_pair(std::string(key.substr(0, at)), std::string(key.substr(at + 1)));
}

std::string Encode(const ActionFollowUp& action) {
  return json{{"tenant", action.tenant_id},
              {"action", action.action_id},
              {"title", action.title},
              {"owner", action.owner_id},
              {"due", DateJson(action.due_date)},
              {"recorded", action.recorded}}
      .dump();
}

std::string Encode(const StoredPerson& person) {
  return json{
      {"name", person.display_name}, {"email", person.email}, {"manager", person.manager_id}}
      .dump();
}

std::string Encode(const DeliveryJob& job) {
  return json{{"tenant", job.tenant_id},
              {"action", job.action_id},
              {"title", job.title},
              {"owner", job.owner_id},
              {"due", DateJson(job.due_date)},
              {"level", job.level},
              {"days", job.days},
              {"recipient", job.recipient_id},
              {"channel", static_cast<int>(job.channel)},
              {"command", job.command_id},
              {"event", job.event_id},
              {"recorded_at_ms", job.recorded_at_ms}}
      .dump();
}

std::optional<ActionFollowUp> DecodeAction(std::string_view bytes) {
  return Decode<ActionFollowUp>(bytes, [](const json& v) {
    ActionFollowUp action;
    action.tenant_id = v.at("tenant").get<std::string>();
    action.action_id = v.at("action").get<std::string>();
    action.title = v.at("title").get<std::string>();
    action.owner_id = v.at("owner").get<std::string>();
    action.due_date = DateFrom(v.at("due"));
    action.recorded = v.at("recorded").get<std::set<std::string>>();
    return action;
  });
}

std::optional<StoredPerson> DecodePerson(std::string_view bytes) {
  return Decode<StoredPerson>(bytes, [](const json& v) {
    return StoredPerson{.display_name = v.at("name").get<std::string>(),
                        .email = v.at("email").get<std::string>(),
                        .manager_id = v.at("manager").get<std::string>()};
  });
}

std::optional<DeliveryJob> DecodeJob(std::string_view bytes) {
  return Decode<DeliveryJob>(bytes, [](const json& v) {
    DeliveryJob job;
    job.tenant_id = v.at("tenant").get<std::string>();
    job.action_id = v.at("action").get<std::string>();
    job.title = v.at("title").get<std::string>();
    job.owner_id = v.at("owner").get<std::string>();
    job.due_date = DateFrom(v.at("due"));
    job.level = v.at("level").get<int>();
    job.days = v.at("days").get<int>();
    job.recipient_id = v.at("recipient").get<std::string>();
    const int channel = v.at("channel").get<int>();
    job.channel = v1::NotificationChannel_IsValid(channel)
                      ? static_cast<v1::NotificationChannel>(channel)
                      : v1::NOTIFICATION_CHANNEL_LOG;
    job.command_id = v.at("command").get<std::string>();
    job.event_id = v.at("event").get<std::string>();
    job.recorded_at_ms = v.at("recorded_at_ms").get<int64_t>();
    return job;
  });
}

}  // namespace reviewtrail::followup
