#include "auth/base64url.hpp"
#include "auth/jwt.hpp"
#include "auth/jwt_test_support.hpp"
#include "auth/token_parts.hpp"

#include <gtest/gtest.h>

using namespace mizan::auth;
using namespace mizan::auth::test;

namespace {

// RFC 7515 Appendix A.1: the JWS, and its HMAC key (the JWK `k` value).
constexpr std::string_view rfc7515_a1_token =
    "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9."
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVl"
    "fQ."
    "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
constexpr std::string_view rfc7515_a1_key_b64 =
    "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";

jwt_verifier rfc7515_verifier(std::string key, std::int64_t now) {
  jwt_verifier_config c;
  c.hs256_secret = std::move(key);
  c.now = [now] { return now; };
  return jwt_verifier(std::move(c));
}

}  // namespace

TEST(JwtRfc7515, DecodesHeaderAndPayloadByteForByte) {
  const auto parts = detail::split_three(rfc7515_a1_token);
  ASSERT_TRUE(parts);
  EXPECT_EQ(base64url_decode((*parts)[0]), "{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}");
  EXPECT_EQ(base64url_decode((*parts)[1]),
            "{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}");
}

TEST(JwtRfc7515, SignatureVerifiesUnderTheRfcKey) {
  const auto key = base64url_decode(rfc7515_a1_key_b64);
  ASSERT_TRUE(key);
  ASSERT_EQ(key->size(), 64u);
  const std::string_view token = rfc7515_a1_token;
  const auto signed_part = token.substr(0, token.rfind('.'));
  EXPECT_TRUE(detail::hs256_matches(*key, signed_part, token.substr(token.rfind('.') + 1)));

  // Through the verifier, with the clock before the 2011 expiry: the
  // signature, algorithm and JSON pass, and the RFC's claims lack Mizan's
  // required `sub`, which is the one thing refused.
  const auto result = rfc7515_verifier(*key, 1300819379).verify_without_token_type(token);
  EXPECT_EQ(result.error(), jwt_error::missing_claim);
  EXPECT_EQ(result.message(), "missing claim: sub");

  // With another key, or another spelling of the same signature, the
  // signature is what fails.
  EXPECT_EQ(
      rfc7515_verifier(std::string(secret), 1300819379).verify_without_token_type(token).error(),
      jwt_error::bad_signature);
  for (const char last : {'l', 'm', 'n'}) {
    std::string other(token);
    other.back() = last;
    EXPECT_EQ(rfc7515_verifier(*key, 1300819379).verify_without_token_type(other).error(),
              jwt_error::bad_signature)
        << last;
  }
}

TEST(JwtSign, MatchesAnIndependentImplementation) {
  // Node 20:
  //   const c = require('crypto'), b = s => Buffer.from(s).toString('base64url');
  //   const h = b(JSON.stringify({alg: 'HS256', typ: 'JWT'}));
  //   const p = b(JSON.stringify({sub: '42', token_type: 'access', exp: 2000000000,
  //     nbf: 1999990000, iat: 1999999700, iss: 'mizan', aud: 'api', jti: 'j-1'}));
  //   h + '.' + p + '.' + c.createHmac('sha256', 'mizan-jwt-test-secret-0123456789abcdef')
  //     .update(h + '.' + p).digest('base64url')
  constexpr std::string_view expected =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
      "eyJzdWIiOiI0MiIsInRva2VuX3R5cGUiOiJhY2Nlc3MiLCJleHAiOjIwMDAwMDAwMDAsIm5iZiI6MTk5OTk5MDAwMC"
      "wiaWF0IjoxOTk5OTk5NzAwLCJpc3MiOiJtaXphbiIsImF1ZCI6ImFwaSIsImp0aSI6ImotMSJ9."
      "RkHAGCVr8FFdNsfz4BdehOs6-6eoR2kz5YJtQqHXpqw";
  const jwt_claims claims{.sub = "42",
                          .exp = 2000000000,
                          .nbf = 1999990000,
                          .iat = 1999999700,
                          .iss = "mizan",
                          .aud = "api",
                          .jti = "j-1",
                          .token_type = "access"};
  EXPECT_EQ(jwt_sign_hs256(claims, secret), expected);
}

TEST(JwtSign, RoundTripsThroughTheVerifier) {
  const jwt_claims claims{.sub = "7",
                          .exp = expiry,
                          .iat = expiry - 300,
                          .jti = "x",
                          .token_type = "refresh",
                          .password_stamp = "0123456789abcdef"};
  const auto result =
      jwt_verifier(hs256_config()).verify(jwt_sign_hs256(claims, secret), "refresh");
  ASSERT_TRUE(result) << result.message();
  EXPECT_EQ(result.claims().sub, "7");
  EXPECT_EQ(result.claims().exp, expiry);
  EXPECT_EQ(result.claims().iat, expiry - 300);
  EXPECT_FALSE(result.claims().nbf);
  EXPECT_EQ(result.claims().jti, "x");
  EXPECT_EQ(result.claims().token_type, "refresh");
  EXPECT_EQ(result.claims().password_stamp, "0123456789abcdef");
}

TEST(JwtSign, RefusesWhatCouldNeverVerify) {
  const jwt_claims ok{.sub = "1", .exp = expiry, .token_type = "access"};
  EXPECT_THROW(jwt_sign_hs256(ok, "short secret"), std::invalid_argument);
  jwt_claims no_sub = ok;
  no_sub.sub.clear();
  EXPECT_THROW(jwt_sign_hs256(no_sub, secret), std::invalid_argument);
  jwt_claims far = ok;
  far.exp = std::int64_t{1} << 53;
  EXPECT_THROW(jwt_sign_hs256(far, secret), std::invalid_argument);
}
