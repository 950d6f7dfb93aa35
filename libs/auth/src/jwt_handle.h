#pragma once

// Internal: RAII holders over libjwt 1.10 handles and the mapping to its algorithm enum.

#include <jwt.h>

#include <cstdlib>
#include <memory>

#include "reviewtrail/auth/token_verifier.h"

namespace reviewtrail::auth::internal {

struct JwtDeleter {
  void operator()(jwt_t* p) const { jwt_free(p); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtDeleter>;

// Strings libjwt returns for the caller to free (jwt_encode_str, jwt_get_grants_json).
struct FreeDeleter {
  void operator()(char* p) const { std::free(p); }
};
using MallocedString = std::unique_ptr<char, FreeDeleter>;

inline jwt_alg_t ToJwtAlg(Algorithm algorithm) {
  switch (algorithm) {
    case Algorithm::kRS256:
      return JWT_ALG_RS256;
    case Algorithm::kES256:
      return JWT_ALG_ES256;
    case Algorithm::kHS256:
      return JWT_ALG_HS256;
  }
  return JWT_ALG_INVAL;
}

}  // namespace reviewtrail::auth::internal
