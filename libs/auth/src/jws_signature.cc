#include "jws_signature.h"

#include <openssl/crypto.h>
#include <openssl/ecdsa.h>
#include <openssl/hmac.h>

#include <climits>
#include <vector>

namespace reviewtrail::auth::internal {
namespace {

constexpr size_t kP256CoordinateBytes = 32;

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
struct EcdsaSigDeleter {
  void operator()(ECDSA_SIG* p) const { ECDSA_SIG_free(p); }
};

const unsigned char* Bytes(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

// The DER ECDSA-Sig-Value OpenSSL verifies, from JWS's R || S; empty when it is not that.
std::vector<unsigned char> EcdsaDer(std::string_view signature) {
  if (signature.size() != 2 * kP256CoordinateBytes) return {};
  std::unique_ptr<ECDSA_SIG, EcdsaSigDeleter> sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(Bytes(signature), kP256CoordinateBytes, nullptr);
  BIGNUM* s = BN_bin2bn(Bytes(signature) + kP256CoordinateBytes, kP256CoordinateBytes, nullptr);
  if (!sig || r == nullptr || s == nullptr || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return {};
  }
  const int size = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (size <= 0) return {};
  std::vector<unsigned char> der(static_cast<size_t>(size));
  unsigned char* out = der.data();
  if (i2d_ECDSA_SIG(sig.get(), &out) != size) return {};
  return der;
}

bool DigestVerifies(EVP_PKEY* key, std::string_view signing_input, const unsigned char* signature,
                    size_t signature_size) {
  std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> context(EVP_MD_CTX_new());
  return context && EVP_DigestVerifyInit(context.get(), nullptr, EVP_sha256(), nullptr, key) == 1 &&
         EVP_DigestVerify(context.get(), signature, signature_size, Bytes(signing_input),
                          signing_input.size()) == 1;
}

}  // namespace

absl::StatusOr<SignatureKey> SignatureKey::Parse(const VerificationKey& key) {
  SignatureKey parsed;
  parsed.algorithm_ = key.algorithm;
  if (key.algorithm == Algorithm::kHS256) {
    parsed.secret_ = key.material;
    return parsed;
  }
  absl::StatusOr<EvpPkeyPtr> public_key = ParsePublicKeyPem(key.material);
  if (!public_key.ok()) return public_key.status();
  if (absl::Status fits = CheckKeyFitsAlgorithm(public_key->get(), key.algorithm); !fits.ok()) {
    return fits;
  }
  parsed.public_key_ = std::shared_ptr<EVP_PKEY>(public_key->release(), EvpPkeyDeleter());
  return parsed;
}

bool SignatureKey::Verifies(std::string_view signing_input, std::string_view signature) const {
  bool verified = false;
  switch (algorithm_) {
    case Algorithm::kHS256: {
      unsigned char mac[EVP_MAX_MD_SIZE];
      unsigned int mac_size = 0;
      verified = secret_.size() <= static_cast<size_t>(INT_MAX) &&
                 HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
                      Bytes(signing_input), signing_input.size(), mac, &mac_size) != nullptr &&
                 signature.size() == mac_size &&
                 CRYPTO_memcmp(mac, signature.data(), mac_size) == 0;
      break;
    }
    case Algorithm::kRS256:
      verified =
          DigestVerifies(public_key_.get(), signing_input, Bytes(signature), signature.size());
      break;
    case Algorithm::kES256: {
      const std::vector<unsigned char> der = EcdsaDer(signature);
      verified =
          !der.empty() && DigestVerifies(public_key_.get(), signing_input, der.data(), der.size());
      break;
    }
  }
  TakeOpenSslErrors();  // a failed check leaves its reasons on this thread's queue
  return verified;
}

}  // namespace reviewtrail::auth::internal
