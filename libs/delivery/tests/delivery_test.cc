// Unit tests of the delivery library's pure parts and of the signed POST's refusals. The POST
// itself is exercised against real receivers by the notifier's channel tests and the event
// webhook tests.
#include <gtest/gtest.h>

#include "reviewtrail/delivery/backoff.h"
#include "reviewtrail/delivery/hmac.h"
#include "reviewtrail/delivery/signed_post.h"

namespace reviewtrail::delivery {
namespace {

using std::chrono::milliseconds;

TEST(HmacTest, MatchesRfc4231TestCase2) {
  EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(BackoffTest, GrowsByTheMultiplierUpToTheCapWithoutJitter) {
  Backoff backoff(RetryPolicy{.initial_backoff = milliseconds(100),
                              .max_backoff = milliseconds(1'000),
                              .multiplier = 2.0,
                              .jitter = 0.0});
  EXPECT_EQ(backoff.After(1), milliseconds(100));
  EXPECT_EQ(backoff.After(2), milliseconds(200));
  EXPECT_EQ(backoff.After(4), milliseconds(800));
  EXPECT_EQ(backoff.After(5), milliseconds(1'000));
  EXPECT_EQ(backoff.After(40), milliseconds(1'000));
}

TEST(BackoffTest, JitterStaysWithinItsBounds) {
  Backoff backoff(RetryPolicy{.initial_backoff = milliseconds(1'000), .jitter = 0.2});
  for (int i = 0; i < 200; ++i) {
    const milliseconds wait = backoff.After(1);
    EXPECT_GE(wait, milliseconds(800));
    EXPECT_LE(wait, milliseconds(1'200));
  }
}

TEST(PostSignedTest, RefusesAMissingUrlAndOtherProtocolsForGood) {
  const SignedRequest request{.content_type = "application/json", .body = "{}"};
  EXPECT_EQ(PostSigned(WebhookTarget{}, request).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(PostSigned(WebhookTarget{.url = "file:///etc/passwd"}, request).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(PostSignedTest, ARefusedConnectionIsWorthRetrying) {
  // Port 9 (discard) on loopback: nothing listens there in a test environment.
  const absl::Status status =
      PostSigned(WebhookTarget{.url = "http://127.0.0.1:9/", .timeout = milliseconds(2'000)},
                 SignedRequest{.content_type = "application/json", .body = "{}"});
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
}

}  // namespace
}  // namespace reviewtrail::delivery
