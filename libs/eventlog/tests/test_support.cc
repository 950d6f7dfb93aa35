#include "test_support.h"

#include <stdlib.h>

#include <system_error>
#include <vector>

#include "gtest/gtest.h"

namespace reviewtrail::eventlog::testing {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::path(::testing::TempDir()) / "eventlog-XXXXXX").string();
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (mkdtemp(buffer.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp failed for " << pattern;
  }
  path_ = buffer.data();
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

v1::EventEnvelope MakeEvent(const std::string& tenant, const std::string& action, int64_t version) {
  v1::EventEnvelope event;
  event.set_event_id(absl::StrCat(tenant, "/", action, "/", version));
  event.set_tenant_id(tenant);
  event.set_aggregate_type(v1::AGGREGATE_TYPE_ACTION);
  event.set_aggregate_id(action);
  event.set_aggregate_version(version);
  event.mutable_occurred_at()->set_seconds(1'700'000'000 + version);
  event.mutable_occurred_at()->set_nanos(250'000'000);
  event.set_command_id(absl::StrCat("cmd-", tenant, "-", action, "-", version));
  v1::ActionAssigned* payload = event.mutable_action_assigned();
  payload->set_action_id(action);
  payload->set_title(absl::StrCat("Action ", action, " v", version));
  payload->set_owner_id("person-1");
  return event;
}

}  // namespace reviewtrail::eventlog::testing
