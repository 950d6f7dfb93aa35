#pragma once

#include <grpcpp/client_context.h>

#include <chrono>
#include <string>

namespace reviewtrail::cli {

// How every call is made: who is calling, how long it may take, how the answer is printed.
struct CallOptions {
  std::string token;  // sent as `authorization: Bearer <token>` when not empty
  std::chrono::milliseconds timeout{10'000};
  bool json = false;
};

// Adds the bearer token and, when `with_deadline`, the deadline now + options.timeout.
void PrepareClientContext(const CallOptions& options, grpc::ClientContext& context,
                          bool with_deadline = true);

}  // namespace reviewtrail::cli
