#pragma once

#include <grpcpp/server_context.h>

#include <chrono>

#include "absl/status/statusor.h"
#include "reviewtrail/auth/principal.h"
#include "reviewtrail/auth/token_verifier.h"

namespace reviewtrail::rpc {

// The principal behind a call's `authorization: Bearer <JWT>` metadata, or UNAUTHENTICATED naming
// what is wrong. The tenant id must be a plain identifier ([A-Za-z0-9._-], 1-64).
[[nodiscard]] absl::StatusOr<auth::Principal> Authenticate(
    const grpc::CallbackServerContext& context, const auth::TokenVerifier& verifier,
    std::chrono::system_clock::time_point now);

}  // namespace reviewtrail::rpc
