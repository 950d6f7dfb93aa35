#include "reviewtrail/cli/proto_json.h"

#include <google/protobuf/util/json_util.h>

namespace reviewtrail::cli {

nlohmann::json MessageToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  std::string text;
  if (!google::protobuf::util::MessageToJsonString(message, &text, options).ok()) {
    return nlohmann::json::object();  // only for invalid UTF-8 in a string field
  }
  return nlohmann::json::parse(text);
}

}  // namespace reviewtrail::cli
