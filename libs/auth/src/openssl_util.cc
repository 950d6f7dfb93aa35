#include "openssl_util.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include <climits>
#include <cstring>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl_compat.h"

namespace reviewtrail::auth::internal {
namespace {

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

absl::Status OpenSslFailure(absl::string_view what) {
  std::string errors = TakeOpenSslErrors();
  return absl::InvalidArgumentError(errors.empty() ? std::string(what)
                                                   : absl::StrCat(what, " (", errors, ")"));
}

absl::StatusOr<BioPtr> ReadBio(std::string_view data) {
  if (data.size() > static_cast<size_t>(INT_MAX)) {
    return absl::InvalidArgumentError("key too large");
  }
  BioPtr bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
  if (!bio) return OpenSslFailure("BIO_new_mem_buf failed");
  return bio;
}

absl::StatusOr<std::string> DrainBio(BIO* bio) {
  std::string out(BIO_ctrl_pending(bio), '\0');
  if (out.size() > static_cast<size_t>(INT_MAX)) return absl::InternalError("PEM too large");
  const int read = BIO_read(bio, out.data(), static_cast<int>(out.size()));
  if (read < 0 || static_cast<size_t>(read) != out.size()) {
    return OpenSslFailure("reading PEM from memory BIO failed");
  }
  return out;
}

// Rejects a public key that is not a valid point / modulus (e.g. an EC point off the curve).
absl::Status CheckPublicKey(EVP_PKEY* key) {
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  if (!ctx) return OpenSslFailure("EVP_PKEY_CTX_new_from_pkey failed");
  if (EVP_PKEY_public_check(ctx.get()) != 1) return OpenSslFailure("public key check failed");
  return absl::OkStatus();
}

absl::StatusOr<EvpPkeyPtr> PublicKeyFromParams(const char* type, OSSL_PARAM_BLD* bld) {
  ParamPtr params(OSSL_PARAM_BLD_to_param(bld));
  if (!params) return OpenSslFailure("OSSL_PARAM_BLD_to_param failed");
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1) {
    return OpenSslFailure(absl::StrCat("cannot create a ", type, " key context"));
  }
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return OpenSslFailure(absl::StrCat("invalid ", type, " public key components"));
  }
  EvpPkeyPtr key(raw);
  if (absl::Status status = CheckPublicKey(key.get()); !status.ok()) return status;
  return key;
}

}  // namespace

std::string TakeOpenSslErrors() {
  std::string out;
  char buf[256];
  while (unsigned long code = ERR_get_error()) {
    ERR_error_string_n(code, buf, sizeof(buf));
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out;
}

std::string Base64UrlEncode(std::string_view bytes) {
  return absl::WebSafeBase64Escape(ToAbsl(bytes));
}

std::optional<std::string> Base64UrlDecode(std::string_view text) {
  for (char c : text) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '=';
    if (!ok) return std::nullopt;
  }
  std::string out;
  if (!absl::WebSafeBase64Unescape(ToAbsl(text), &out)) return std::nullopt;
  return out;
}

absl::StatusOr<EvpPkeyPtr> ParsePublicKeyPem(std::string_view pem) {
  absl::StatusOr<BioPtr> bio = ReadBio(pem);
  if (!bio.ok()) return bio.status();
  EvpPkeyPtr key(PEM_read_bio_PUBKEY(bio->get(), nullptr, nullptr, nullptr));
  if (!key) return OpenSslFailure("not a PEM public key (expected \"BEGIN PUBLIC KEY\")");
  return key;
}

absl::StatusOr<EvpPkeyPtr> ParsePrivateKeyPem(std::string_view pem) {
  absl::StatusOr<BioPtr> bio = ReadBio(pem);
  if (!bio.ok()) return bio.status();
  EvpPkeyPtr key(PEM_read_bio_PrivateKey(bio->get(), nullptr, nullptr, nullptr));
  if (!key) return OpenSslFailure("not an unencrypted PEM private key");
  return key;
}

absl::StatusOr<std::string> PublicKeyPem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key) != 1) {
    return OpenSslFailure("writing the public key as PEM failed");
  }
  return DrainBio(bio.get());
}

absl::StatusOr<std::string> PrivateKeyPem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return OpenSslFailure("writing the private key as PEM failed");
  }
  return DrainBio(bio.get());
}

absl::Status CheckKeyFitsAlgorithm(EVP_PKEY* key, Algorithm algorithm) {
  switch (algorithm) {
    case Algorithm::kRS256:
      if (EVP_PKEY_is_a(key, "RSA") != 1) {
        return absl::InvalidArgumentError("RS256 needs an RSA key");
      }
      if (EVP_PKEY_get_bits(key) < 2048) {
        return absl::InvalidArgumentError(
            absl::StrCat("RSA key of ", EVP_PKEY_get_bits(key), " bits; at least 2048 needed"));
      }
      return absl::OkStatus();
    case Algorithm::kES256: {
      if (EVP_PKEY_is_a(key, "EC") != 1) return absl::InvalidArgumentError("ES256 needs an EC key");
      char group[64] = {};
      size_t length = 0;
      if (EVP_PKEY_get_group_name(key, group, sizeof(group), &length) != 1 ||
          std::strcmp(group, "prime256v1") != 0) {
        TakeOpenSslErrors();
        return absl::InvalidArgumentError("ES256 needs an EC key on curve P-256");
      }
      return absl::OkStatus();
    }
    case Algorithm::kHS256:
      break;
  }
  return absl::InvalidArgumentError("HS256 takes a shared secret, not a public key");
}

absl::StatusOr<EvpPkeyPtr> RsaPublicKey(std::string_view modulus, std::string_view exponent) {
  if (modulus.empty() || exponent.empty()) {
    return absl::InvalidArgumentError("RSA key needs n and e");
  }
  BignumPtr n(BN_bin2bn(Bytes(modulus), static_cast<int>(modulus.size()), nullptr));
  BignumPtr e(BN_bin2bn(Bytes(exponent), static_cast<int>(exponent.size()), nullptr));
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!n || !e || !bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) != 1) {
    return OpenSslFailure("building RSA key parameters failed");
  }
  return PublicKeyFromParams("RSA", bld.get());
}

absl::StatusOr<EvpPkeyPtr> P256PublicKey(std::string_view x, std::string_view y) {
  if (x.size() != 32 || y.size() != 32) {
    return absl::InvalidArgumentError("P-256 coordinates x and y must be 32 bytes each");
  }
  const std::string point = absl::StrCat("\x04", ToAbsl(x), ToAbsl(y));  // SEC 1 uncompressed form
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bld ||
      OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) !=
          1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1) {
    return OpenSslFailure("building EC key parameters failed");
  }
  return PublicKeyFromParams("EC", bld.get());
}

absl::StatusOr<EcPoint> P256Coordinates(EVP_PKEY* key) {
  if (absl::Status status = CheckKeyFitsAlgorithm(key, Algorithm::kES256); !status.ok()) {
    return status;
  }
  EcPoint point;
  for (auto [name, out] : {std::pair{OSSL_PKEY_PARAM_EC_PUB_X, &point.x},
                           std::pair{OSSL_PKEY_PARAM_EC_PUB_Y, &point.y}}) {
    BIGNUM* raw = nullptr;
    if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) {
      return OpenSslFailure("reading the EC public point failed");
    }
    BignumPtr coordinate(raw);
    out->assign(32, '\0');
    if (BN_bn2binpad(coordinate.get(), reinterpret_cast<unsigned char*>(out->data()), 32) != 32) {
      return OpenSslFailure("EC coordinate does not fit 32 bytes");
    }
  }
  return point;
}

absl::StatusOr<EvpPkeyPtr> GenerateP256Key() {
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_group_name(ctx.get(), "P-256") != 1) {
    return OpenSslFailure("setting up P-256 key generation failed");
  }
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_generate(ctx.get(), &raw) != 1) return OpenSslFailure("P-256 key generation failed");
  return EvpPkeyPtr(raw);
}

}  // namespace reviewtrail::auth::internal
