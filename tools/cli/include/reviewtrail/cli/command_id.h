#pragma once

#include <string>

#include "reviewtrail/cli/result.h"

namespace reviewtrail::cli {

// A fresh random UUID version 4 (RFC 4122) from OpenSSL's CSPRNG, lowercase, e.g.
// "3f2a8c1e-9b4d-4e6f-a1b2-c3d4e5f60718". Used as the idempotency key of a command.
Result<std::string> NewCommandId();

}  // namespace reviewtrail::cli
