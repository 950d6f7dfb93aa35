#include "reviewtrail/auth/local_keys.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <climits>
#include <fstream>
#include <sstream>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "jwt_handle.h"
#include "nlohmann/json.hpp"
#include "openssl_util.h"
#include "reviewtrail/digest/sha256.h"

namespace reviewtrail::auth {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr char kPrivateKeyFile[] = "signing-key.pem";
constexpr char kPublicKeyFile[] = "signing-key.pub.pem";

absl::Status FileError(int error_number, absl::string_view action, const fs::path& path) {
  return absl::ErrnoToStatus(error_number, absl::StrCat(action, " ", path.string()));
}

// A name beside `path` that no other writer (thread or process) uses.
fs::path TemporaryPath(const fs::path& path) {
  static std::atomic<uint64_t> counter{0};
  return fs::path(absl::StrCat(path.string(), ".tmp.", getpid(), ".", counter++));
}

// Creates `path` (which must not exist) with mode 0600 and `contents`, flushed to disk.
absl::Status WriteNewFile(const fs::path& path, std::string_view contents) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return FileError(errno, "cannot create", path);
  absl::Status status;
  if (fchmod(fd, 0600) != 0) status = FileError(errno, "cannot chmod", path);
  while (status.ok() && !contents.empty()) {
    const ssize_t written = write(fd, contents.data(), contents.size());
    if (written < 0 && errno == EINTR) continue;
    if (written < 0) {
      status = FileError(errno, "cannot write", path);
      break;
    }
    contents.remove_prefix(static_cast<size_t>(written));
  }
  if (status.ok() && fsync(fd) != 0) status = FileError(errno, "cannot sync", path);
  if (close(fd) != 0 && status.ok()) status = FileError(errno, "cannot close", path);
  if (!status.ok()) unlink(path.c_str());
  return status;
}

// Writes `path` whole or not at all (temporary file, then rename over it).
absl::Status ReplaceFile(const fs::path& path, std::string_view contents) {
  const fs::path temporary = TemporaryPath(path);
  if (absl::Status status = WriteNewFile(temporary, contents); !status.ok()) return status;
  if (rename(temporary.c_str(), path.c_str()) != 0) {
    const int error_number = errno;
    unlink(temporary.c_str());
    return FileError(error_number, "cannot rename into", path);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return FileError(errno, "cannot open", path);
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) return FileError(errno, "cannot read", path);
  return contents.str();
}

// Loads an existing key pair; the public file is checked against, or rebuilt from, the private.
absl::StatusOr<SigningKey> LoadKey(const fs::path& private_path, const fs::path& public_path) {
  struct stat info {};
  if (stat(private_path.c_str(), &info) != 0) return FileError(errno, "cannot stat", private_path);
  if ((info.st_mode & 077) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat(private_path.string(), " is accessible by group or others; chmod 600 it"));
  }
  absl::StatusOr<std::string> pem = ReadFile(private_path);
  if (!pem.ok()) return pem.status();
  absl::StatusOr<SigningKey> key = SigningKeyFromPem(*pem);
  if (!key.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat(private_path.string(), ": ", key.status().message()));
  }
  std::error_code error;
  if (!fs::exists(public_path, error)) {
    if (absl::Status status = ReplaceFile(public_path, key->public_key_pem); !status.ok()) {
      return status;
    }
    return key;
  }
  absl::StatusOr<std::string> public_pem = ReadFile(public_path);
  if (!public_pem.ok()) return public_pem.status();
  absl::StatusOr<internal::EvpPkeyPtr> public_key = internal::ParsePublicKeyPem(*public_pem);
  absl::StatusOr<std::string> normalized =
      public_key.ok() ? internal::PublicKeyPem(public_key->get()) : public_key.status();
  if (!normalized.ok() || *normalized != key->public_key_pem) {
    return absl::FailedPreconditionError(absl::StrCat(
        public_path.string(), " does not hold the public half of ", private_path.string()));
  }
  return key;
}

absl::StatusOr<SigningKey> FromPrivateKey(EVP_PKEY* pkey) {
  if (absl::Status status = internal::CheckKeyFitsAlgorithm(pkey, Algorithm::kES256);
      !status.ok()) {
    return status;
  }
  absl::StatusOr<internal::EcPoint> point = internal::P256Coordinates(pkey);
  if (!point.ok()) return point.status();
  absl::StatusOr<std::string> private_pem = internal::PrivateKeyPem(pkey);
  if (!private_pem.ok()) return private_pem.status();
  absl::StatusOr<std::string> public_pem = internal::PublicKeyPem(pkey);
  if (!public_pem.ok()) return public_pem.status();
  // RFC 7638: SHA-256 over the required members in lexicographic order, no whitespace.
  const std::string thumbprint_input =
      absl::StrCat(R"({"crv":"P-256","kty":"EC","x":")", internal::Base64UrlEncode(point->x),
                   R"(","y":")", internal::Base64UrlEncode(point->y), R"("})");
  const std::array<unsigned char, 32> thumbprint = digest::Sha256Bytes(thumbprint_input);
  return SigningKey{.kid = internal::Base64UrlEncode(std::string_view(
                        reinterpret_cast<const char*>(thumbprint.data()), thumbprint.size())),
                    .private_key_pem = *std::move(private_pem),
                    .public_key_pem = *std::move(public_pem)};
}

}  // namespace

absl::StatusOr<SigningKey> GenerateSigningKey() {
  absl::StatusOr<internal::EvpPkeyPtr> pkey = internal::GenerateP256Key();
  if (!pkey.ok()) return absl::InternalError(pkey.status().message());
  return FromPrivateKey(pkey->get());
}

absl::StatusOr<SigningKey> SigningKeyFromPem(std::string_view private_key_pem) {
  absl::StatusOr<internal::EvpPkeyPtr> pkey = internal::ParsePrivateKeyPem(private_key_pem);
  if (!pkey.ok()) return pkey.status();
  return FromPrivateKey(pkey->get());
}

absl::StatusOr<LocalKey> LoadOrCreateLocalKey(const fs::path& directory) {
  std::error_code error;
  if (fs::create_directories(directory, error)) {
    fs::permissions(directory, fs::perms::owner_all, fs::perm_options::replace, error);
  }
  if (error) return FileError(error.value(), "cannot create directory", directory);
  const fs::path private_path = directory / kPrivateKeyFile;
  const fs::path public_path = directory / kPublicKeyFile;

  if (!fs::exists(private_path, error)) {
    absl::StatusOr<SigningKey> key = GenerateSigningKey();
    if (!key.ok()) return key.status();
    const fs::path temporary = TemporaryPath(private_path);
    if (absl::Status status = WriteNewFile(temporary, key->private_key_pem); !status.ok()) {
      return status;
    }
    // link() fails with EEXIST if another process won the race; its key is then the one loaded.
    const int linked = link(temporary.c_str(), private_path.c_str());
    const int link_errno = errno;
    unlink(temporary.c_str());
    if (linked == 0) {
      if (absl::Status status = ReplaceFile(public_path, key->public_key_pem); !status.ok()) {
        return status;
      }
      return LocalKey{.key = *std::move(key), .created = true};
    }
    if (link_errno != EEXIST) return FileError(link_errno, "cannot create", private_path);
  }
  absl::StatusOr<SigningKey> key = LoadKey(private_path, public_path);
  if (!key.ok()) return key.status();
  return LocalKey{.key = *std::move(key), .created = false};
}

VerificationKey ToVerificationKey(const SigningKey& key) {
  return VerificationKey{
      .kid = key.kid, .algorithm = Algorithm::kES256, .material = key.public_key_pem};
}

absl::StatusOr<std::string> ToJwks(const SigningKey& key) {
  absl::StatusOr<internal::EvpPkeyPtr> pkey = internal::ParsePublicKeyPem(key.public_key_pem);
  if (!pkey.ok()) return pkey.status();
  absl::StatusOr<internal::EcPoint> point = internal::P256Coordinates(pkey->get());
  if (!point.ok()) return point.status();
  const json jwk = {{"kty", "EC"},
                    {"crv", "P-256"},
                    {"x", internal::Base64UrlEncode(point->x)},
                    {"y", internal::Base64UrlEncode(point->y)},
                    {"kid", key.kid},
                    {"alg", "ES256"},
                    {"use", "sig"}};
  return json{{"keys", json::array({jwk})}}.dump();
}

absl::StatusOr<std::string> MintToken(const SigningKey& key, const Principal& principal,
                                      std::chrono::system_clock::time_point now,
                                      std::chrono::seconds ttl, std::string issuer,
                                      std::string audience) {
  if (principal.tenant_id.empty()) return absl::InvalidArgumentError("principal has no tenant");
  if (principal.person_id.empty()) return absl::InvalidArgumentError("principal has no person");
  if (ttl.count() <= 0) return absl::InvalidArgumentError("ttl must be positive");
  json roles = json::array();
  for (v1::Role role : principal.roles) {
    const std::string_view name = RoleName(role);
    if (name.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("role ", static_cast<int>(role), " has no name"));
    }
    roles.push_back(name);
  }
  absl::StatusOr<internal::EvpPkeyPtr> pkey = internal::ParsePrivateKeyPem(key.private_key_pem);
  if (!pkey.ok()) return pkey.status();
  if (absl::Status status = internal::CheckKeyFitsAlgorithm(pkey->get(), Algorithm::kES256);
      !status.ok()) {
    return status;
  }

  const int64_t iat = std::chrono::floor<std::chrono::seconds>(now.time_since_epoch()).count();
  json claims = {{"sub", principal.person_id},
                 {"tenant", principal.tenant_id},
                 {"roles", std::move(roles)},
                 {"iat", iat},
                 {"exp", iat + ttl.count()}};
  if (!issuer.empty()) claims["iss"] = std::move(issuer);
  if (!audience.empty()) claims["aud"] = std::move(audience);
  std::string claims_json;
  try {
    claims_json = claims.dump();
  } catch (const json::exception&) {
    return absl::InvalidArgumentError("principal, issuer or audience is not valid UTF-8");
  }

  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) return absl::ResourceExhaustedError("jwt_new failed");
  internal::JwtPtr jwt(raw);
  if (jwt_add_grants_json(jwt.get(), claims_json.c_str()) != 0 ||
      (!key.kid.empty() && jwt_add_header(jwt.get(), "kid", key.kid.c_str()) != 0)) {
    return absl::InternalError("libjwt refused the token's claims or header");
  }
  if (key.private_key_pem.size() > static_cast<size_t>(INT_MAX) ||
      jwt_set_alg(jwt.get(), JWT_ALG_ES256,
                  reinterpret_cast<const unsigned char*>(key.private_key_pem.data()),
                  static_cast<int>(key.private_key_pem.size())) != 0) {
    return absl::InternalError("libjwt refused the ES256 signing key");
  }
  internal::MallocedString token(jwt_encode_str(jwt.get()));
  const std::string openssl_errors = internal::TakeOpenSslErrors();
  if (token == nullptr) {
    return absl::InternalError(absl::StrCat("ES256 signing failed ", openssl_errors));
  }
  return std::string(token.get());
}

}  // namespace reviewtrail::auth
