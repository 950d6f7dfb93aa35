#include "reviewtrail/notifier/token_source.h"

namespace reviewtrail::notifier {

absl::StatusOr<std::string> LocalTokenSource::TokenFor(const std::string& tenant_id) {
  const auto now = clock_.Now();
  reviewtrail::MutexLock lock(&mutex_);
  auto it = cache_.find(tenant_id);
  // Renew also when the clock went backwards past the minting time (fake clocks in tests).
  if (it != cache_.end() && now < it->second.renew_at && now + ttl_ / 2 >= it->second.renew_at) {
    return it->second.token;
  }
  absl::StatusOr<std::string> token =
      auth::MintToken(key_, auth::Principal{tenant_id, subject_, {v1::ROLE_SERVICE}}, now, ttl_,
                      issuer_, audience_);
  if (!token.ok()) return token.status();
  cache_[tenant_id] = Minted{*token, now + ttl_ / 2};
  return *token;
}

}  // namespace reviewtrail::notifier
