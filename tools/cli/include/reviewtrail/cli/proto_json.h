#pragma once

#include <google/protobuf/message.h>

#include <nlohmann/json.hpp>
#include <string>

namespace reviewtrail::cli {

// The proto3 JSON mapping of `message` with the proto's field names (snake_case, as in the .proto
// files) and every field present, zero values included, so scripts can rely on the keys. As the
// mapping says: 64-bit integers are strings, enums their full names, bytes base64.
nlohmann::json MessageToJson(const google::protobuf::Message& message);

}  // namespace reviewtrail::cli
