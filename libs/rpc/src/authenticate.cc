#include "reviewtrail/rpc/authenticate.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "reviewtrail/rpc/access_log.h"

namespace reviewtrail::rpc {
namespace {

bool IsPlainIdentifier(const std::string& id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == '-';
  });
}

}  // namespace

absl::StatusOr<auth::Principal> Authenticate(const grpc::CallbackServerContext& context,
                                             const auth::TokenVerifier& verifier,
                                             std::chrono::system_clock::time_point now) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  if (it == metadata.end()) {
    return absl::UnauthenticatedError(
        "missing `authorization: Bearer <token>` metadata (see README: tokens)");
  }
  absl::StatusOr<auth::Principal> principal =
      verifier.Verify(std::string_view(it->second.data(), it->second.size()), now);
  if (!principal.ok()) return principal.status();
  if (!IsPlainIdentifier(principal->tenant_id)) {
    return absl::UnauthenticatedError(
        "the token's tenant claim must be 1-64 characters of letters, digits, '.', '_' or '-'");
  }
  NoteCallPrincipal(context, principal->tenant_id, principal->person_id);
  return principal;
}

}  // namespace reviewtrail::rpc
