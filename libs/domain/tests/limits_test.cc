// Every length limit of the command requests, from the one table (kLengthLimits): enforced exactly
// at its number of bytes, and stated with that number in the `.proto` comment of its field.
#include "reviewtrail/domain/limits.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/text_format.h>

#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <sstream>

#include "domain_fixture.h"

namespace reviewtrail::domain::testing {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

std::string ReadProto(const std::string& relative) {
  std::ifstream in(std::string(REVIEWTRAIL_PROTO_DIR) + "/" + relative);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The numbers "up to N bytes" states in the comments of `field` of `message` in the .proto text:
// its trailing comment and the comment lines right above it.
std::vector<size_t> StatedLimits(const std::string& proto_text, const std::string& message,
                                 const std::string& field) {
  const std::vector<std::string> lines = Lines(proto_text);
  const std::regex opening("^message " + message + " \\{");
  const std::regex declaration("^\\s*(repeated |optional )?[\\w.]+ " + field + " = \\d+;");
  const std::regex stated("up to (\\d+) bytes");
  std::vector<size_t> numbers;
  auto collect = [&](const std::string& comment) {
    for (std::sregex_iterator it(comment.begin(), comment.end(), stated), end; it != end; ++it) {
      numbers.push_back(std::stoul((*it)[1]));
    }
  };
  bool inside = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!inside) {
      inside = std::regex_search(lines[i], opening);
      continue;
    }
    if (lines[i].starts_with("}")) break;
    if (!std::regex_search(lines[i], declaration)) continue;
    if (const size_t slash = lines[i].find("//"); slash != std::string::npos) {
      collect(lines[i].substr(slash));
    }
    for (size_t k = i; k > 0 && lines[k - 1].find_first_not_of(' ') != std::string::npos &&
                       lines[k - 1].substr(lines[k - 1].find_first_not_of(' ')).starts_with("//");
         --k) {
      collect(lines[k - 1]);
    }
  }
  return numbers;
}

// A request that passes input validation, of each command type.
const std::map<std::string, std::string>& ValidRequests() {
  static const auto* requests = new std::map<std::string, std::string>{
      {"RegisterPersonRequest",
       "person_id: 'pat' display_name: 'Pat' email: 'pat@acme.example' manager_id: 'mia'"},
      {"DeactivatePersonRequest", "person_id: 'oscar' reason: 'left'"},
      {"RecordReviewRequest",
       "title: 'Review' held_on { year: 2026 month: 1 day: 5 } chair_id: 'mia' "
       "attendee_ids: 'olga' minutes_uri: 'https://dms/1'"},
      {"RecordDecisionRequest",
       "review_id: 'rev-1' summary: 'S' rationale: 'R' category: DECISION_CATEGORY_ISMS_CHANGE "
       "links { kind: LINK_KIND_RISK ref: 'R-1' title: 'Risk' }"},
      {"AssignActionRequest",
       "decision_id: 'dec-1' title: 'T' expected_outcome: 'O' completion_criteria: 'C' "
       "owner_id: 'olga' due_date { year: 2099 month: 1 day: 1 } "
       "links { kind: LINK_KIND_RISK ref: 'R-1' title: 'Risk' }"},
      {"ReassignActionRequest", "action_id: 'act-1' new_owner_id: 'oscar' reason: 'R'"},
      {"RescheduleActionRequest",
       "action_id: 'act-1' new_due_date { year: 2099 month: 1 day: 1 } reason: 'R'"},
      {"ReportProgressRequest", "action_id: 'act-1' note: 'N' percent_complete: 5"},
      {"AttachEvidenceRequest",
       "action_id: 'act-1' kind: EVIDENCE_KIND_OTHER description: 'D' uri: 'https://dms/2' "
       "sha256: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' "
       "size_bytes: 1 media_type: 'application/pdf'"},
      {"RequestClosureRequest", "action_id: 'act-1' note: 'N'"},
      {"ApproveClosureRequest", "action_id: 'act-1' note: 'N'"},
      {"RejectClosureRequest", "action_id: 'act-1' reason: 'R'"},
      {"CancelActionRequest", "action_id: 'act-1' reason: 'R'"},
      {"RecordReminderRequest",
       "action_id: 'act-1' recipient_id: 'olga' channel: NOTIFICATION_CHANNEL_LOG"},
      {"RecordEscalationRequest",
       "action_id: 'act-1' level: 1 recipient_id: 'mia' channel: NOTIFICATION_CHANNEL_LOG "
       "days_overdue: 1"},
  };
  return *requests;
}

template <typename Request, typename... Rest>
Result<Decision> DecideAny(const StateView& state, const Message& message,
                           const CommandContext& context) {
  if (const auto* request = dynamic_cast<const Request*>(&message)) {
    return Decide(state, *request, context);
  }
  if constexpr (sizeof...(Rest) > 0) {
    return DecideAny<Rest...>(state, message, context);
  } else {
    ADD_FAILURE() << "no decider for " << message.GetTypeName();
    return DomainError{};
  }
}

Result<Decision> DecideRequest(const StateView& state, const Message& message,
                               const CommandContext& context) {
  return DecideAny<v1::RegisterPersonRequest, v1::DeactivatePersonRequest, v1::RecordReviewRequest,
                   v1::RecordDecisionRequest, v1::AssignActionRequest, v1::ReassignActionRequest,
                   v1::RescheduleActionRequest, v1::ReportProgressRequest,
                   v1::AttachEvidenceRequest, v1::RequestClosureRequest, v1::ApproveClosureRequest,
                   v1::RejectClosureRequest, v1::CancelActionRequest, v1::RecordReminderRequest,
                   v1::RecordEscalationRequest>(state, message, context);
}

std::unique_ptr<Message> ValidRequest(const std::string& type) {
  const Descriptor* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName("reviewtrail.v1." +
                                                                                type);
  EXPECT_NE(descriptor, nullptr) << type;
  std::unique_ptr<Message> message(
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(descriptor)->New());
  EXPECT_TRUE(
      google::protobuf::TextFormat::ParseFromString(ValidRequests().at(type), message.get()));
  message->GetReflection()->SetString(message.get(), descriptor->FindFieldByName("command_id"),
                                      "limits-1");
  return message;
}

// A valid value of `field` that is exactly `bytes` long.
std::string ValueOfLength(const std::string& field, size_t bytes) {
  std::string prefix;
  if (field.ends_with("uri")) prefix = "https://dms.example/";
  if (field == "email") prefix = "someone@";
  if (field == "media_type") prefix = "application/";
  return prefix + std::string(bytes - prefix.size(), 'a');
}

// Sets `path` ("name", or "links.ref": the field of the first element) to `value`; the wire name
// of the field in a violation is returned ("links[0].ref", "attendee_ids[0]").
std::string SetField(Message& message, const std::string& path, const std::string& value) {
  const size_t dot = path.find('.');
  const std::string name = path.substr(0, dot);
  const FieldDescriptor* field = message.GetDescriptor()->FindFieldByName(name);
  EXPECT_NE(field, nullptr) << path;
  const auto* reflection = message.GetReflection();
  if (dot != std::string::npos) {
    Message* element = reflection->MutableRepeatedMessage(&message, field, 0);
    SetField(*element, path.substr(dot + 1), value);
    return name + "[0]." + path.substr(dot + 1);
  }
  if (field->is_repeated()) {
    reflection->SetRepeatedString(&message, field, 0, value);
    return name + "[0]";
  }
  reflection->SetString(&message, field, value);
  return name;
}

bool Names(const Result<Decision>& result, const std::string& field) {
  if (result.ok() || result.error().code != ErrorCode::kInvalidArgument) return false;
  for (const auto& violation : result.error().violations) {
    if (violation.field == field) return true;
  }
  return false;
}

class LengthLimitsTest : public DomainTest {
 protected:
  CommandContext everyone_ =
      ContextFor("mia", {v1::ROLE_ISMS_MANAGER, v1::ROLE_SERVICE, v1::ROLE_ACTION_OWNER});
};

TEST_F(LengthLimitsTest, EveryFieldIsAcceptedAtItsLimitAndRefusedOneByteOver) {
  for (const FieldLimit& limit : kLengthLimits) {
    std::vector<std::string> types;
    if (limit.message == "*") {
      for (const auto& [type, text] : ValidRequests()) types.push_back(type);
    } else {
      types.emplace_back(limit.message);
    }
    for (const std::string& type : types) {
      SCOPED_TRACE(type + "." + std::string(limit.field));
      std::unique_ptr<Message> at_limit = ValidRequest(type);
      const std::string field = SetField(*at_limit, std::string(limit.field),
                                         ValueOfLength(std::string(limit.field), limit.max_bytes));
      const Result<Decision> accepted = DecideRequest(state_, *at_limit, everyone_);
      EXPECT_TRUE(accepted.ok() || accepted.error().code != ErrorCode::kInvalidArgument)
          << accepted.error().message;

      std::unique_ptr<Message> over = ValidRequest(type);
      SetField(*over, std::string(limit.field),
               ValueOfLength(std::string(limit.field), limit.max_bytes + 1));
      const Result<Decision> refused = DecideRequest(state_, *over, everyone_);
      EXPECT_TRUE(Names(refused, field)) << (refused.ok() ? "accepted" : refused.error().message);
    }
  }
}

TEST_F(LengthLimitsTest, LimitsCountBytesOfUtf8NotCharacters) {
  v1::CancelActionRequest cancel;
  cancel.set_command_id("limits-utf8");
  cancel.set_action_id("act-1");
  std::string two_byte_characters;
  for (size_t i = 0; i < kMaxReasonLength / 2; ++i) two_byte_characters += "\xC3\xA9";  // é
  cancel.set_reason(two_byte_characters);
  EXPECT_FALSE(Names(Run(cancel, manager_), "reason"));
  cancel.set_reason(two_byte_characters + "a");  // 500 characters, 1001 bytes
  const Result<Decision> refused = Run(cancel, manager_);
  ASSERT_TRUE(Names(refused, "reason"));
  EXPECT_THAT(refused.error().violations.front().description, ::testing::HasSubstr("bytes"));
}

TEST(LengthLimitsProtoTest, EveryProtoCommentStatesTheEnforcedLimit) {
  const std::string commands = ReadProto("reviewtrail/v1/commands.proto");
  const std::string common = ReadProto("reviewtrail/v1/common.proto");
  ASSERT_FALSE(commands.empty());
  ASSERT_FALSE(common.empty());
  for (const FieldLimit& limit : kLengthLimits) {
    SCOPED_TRACE(std::string(limit.message) + "." + std::string(limit.field));
    if (limit.message == "*") {
      // The common fields are described once, in the file's opening comment.
      const std::regex stated(std::string(limit.field) + "\\s+- [^\\n]*?up to (\\d+) bytes");
      std::smatch match;
      ASSERT_TRUE(std::regex_search(commands, match, stated));
      EXPECT_EQ(std::stoul(match[1]), limit.max_bytes);
      continue;
    }
    const std::string field(limit.field);
    const size_t dot = field.find('.');
    const std::vector<size_t> stated =
        dot == std::string::npos ? StatedLimits(commands, std::string(limit.message), field)
                                 : StatedLimits(common, "Link", field.substr(dot + 1));
    EXPECT_EQ(stated, std::vector<size_t>{limit.max_bytes});
  }
}

TEST(LengthLimitsProtoTest, EveryStringFieldOfEveryCommandHasALimit) {
  std::set<std::pair<std::string, std::string>> limited;
  for (const FieldLimit& limit : kLengthLimits) {
    limited.emplace(limit.message, limit.field.substr(0, limit.field.find('.')));
  }
  for (const auto& [type, text] : ValidRequests()) {
    const Descriptor* descriptor =
        google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName(
            "reviewtrail.v1." + type);
    ASSERT_NE(descriptor, nullptr);
    for (int i = 0; i < descriptor->field_count(); ++i) {
      const FieldDescriptor* field = descriptor->field(i);
      if (field->type() != FieldDescriptor::TYPE_STRING || field->name() == "sha256") continue;
      EXPECT_TRUE(limited.contains({type, field->name()}) || limited.contains({"*", field->name()}))
          << type << "." << field->name() << " has no length limit in kLengthLimits";
    }
  }
}

}  // namespace
}  // namespace reviewtrail::domain::testing
