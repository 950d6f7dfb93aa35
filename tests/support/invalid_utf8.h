#pragma once

#include <grpcpp/grpcpp.h>

#include <functional>
#include <string>

#include "google/protobuf/descriptor.h"

namespace reviewtrail::testing {

// Calls each unary method of the gRPC service `service_name` (a generated one) over `channel` once
// per string field of its request: that field holds invalid UTF-8 ("ok\xC3\x28"), the others their
// defaults, with `token` as bearer token. `check(field, status)` judges each answer (under a
// SCOPED_TRACE naming the method and the field). Returns how many calls were made.
int CallWithInvalidUtf8InEachStringField(
    grpc::Channel& channel, const std::string& service_name, const std::string& token,
    const std::function<void(const google::protobuf::FieldDescriptor& field,
                             const grpc::Status& status)>& check);

}  // namespace reviewtrail::testing
