#include "auth/jwt.hpp"
#include "auth/jwt_test_support.hpp"

#include <gtest/gtest.h>

using namespace mizan::auth;
using namespace mizan::auth::test;

namespace {

// Verifies an HS256 token with `payload_json` as an access token.
jwt_result check(std::string_view payload_json, jwt_verifier_config config) {
  return jwt_verifier(std::move(config)).verify(hs256_claims(payload_json), "access");
}

jwt_verifier_config at(std::int64_t now, std::int64_t leeway = 0) {
  auto c = hs256_config(now);
  c.leeway_seconds = leeway;
  return c;
}

jwt_verifier_config with_issuer_and_audience() {
  auto c = hs256_config();
  c.issuer = "mizan";
  c.audience = "api";
  return c;
}

std::string payload(std::string_view extra) {
  return std::string(R"({"sub":"42","token_type":"access","exp":2000000000)") + std::string(extra) +
         "}";
}

}  // namespace

TEST(JwtClaims, ExpiryIsExclusiveAndHonoursLeeway) {
  const auto p = payload("");
  EXPECT_TRUE(check(p, at(expiry - 1)));
  EXPECT_EQ(check(p, at(expiry)).error(), jwt_error::expired);
  EXPECT_EQ(check(p, at(expiry + 1000)).error(), jwt_error::expired);
  EXPECT_TRUE(check(p, at(expiry + 29, 30)));
  EXPECT_EQ(check(p, at(expiry + 30, 30)).error(), jwt_error::expired);
}

TEST(JwtClaims, NotBeforeIsInclusiveAndHonoursLeeway) {
  const auto p = payload(R"(,"nbf":1999999000)");
  EXPECT_TRUE(check(p, at(1999999000)));
  EXPECT_EQ(check(p, at(1999998999)).error(), jwt_error::not_yet_valid);
  EXPECT_TRUE(check(p, at(1999998970, 30)));
  EXPECT_EQ(check(p, at(1999998969, 30)).error(), jwt_error::not_yet_valid);
  EXPECT_EQ(check(p, at(1999998000)).message(), "token is not valid yet (nbf)");
}

TEST(JwtClaims, RequiresSubAndExp) {
  const auto c = hs256_config();
  EXPECT_EQ(check(R"({"token_type":"access","exp":2000000000})", c).error(),
            jwt_error::missing_claim);
  EXPECT_EQ(check(R"({"sub":"","token_type":"access","exp":2000000000})", c).error(),
            jwt_error::missing_claim);
  EXPECT_EQ(check(R"({"sub":42,"token_type":"access","exp":2000000000})", c).error(),
            jwt_error::malformed);
  EXPECT_EQ(check(R"({"sub":"42","token_type":"access"})", c).error(), jwt_error::missing_claim);
  EXPECT_EQ(check(R"({"sub":"42","token_type":"access"})", c).message(), "missing claim: exp");
  for (const auto* bad_exp :
       {R"("2000000000")", "2000000000.5", "2e9", "null", "9007199254740992"}) {
    const std::string p =
        std::string(R"({"sub":"42","token_type":"access","exp":)") + bad_exp + "}";
    EXPECT_EQ(check(p, c).error(), jwt_error::malformed) << bad_exp;
  }
}

TEST(JwtClaims, ChecksOptionalClaimTypes) {
  const auto c = hs256_config();
  EXPECT_EQ(check(payload(R"(,"nbf":"1")"), c).error(), jwt_error::malformed);
  EXPECT_EQ(check(payload(R"(,"iat":1.5)"), c).error(), jwt_error::malformed);
  EXPECT_EQ(check(payload(R"(,"iss":["mizan"])"), c).error(), jwt_error::malformed);
  EXPECT_EQ(check(payload(R"(,"jti":7)"), c).error(), jwt_error::malformed);
  EXPECT_EQ(check(payload(R"(,"password_stamp":7)"), c).error(), jwt_error::malformed);
  const auto r = check(payload(R"(,"iat":1999999000,"jti":"id-1","iss":"anyone",)"
                               R"("password_stamp":"0123456789abcdef","extra":{"a":[1]})"),
                       c);
  ASSERT_TRUE(r) << r.message();
  EXPECT_EQ(r.claims().iat, 1999999000);
  EXPECT_EQ(r.claims().jti, "id-1");
  EXPECT_EQ(r.claims().password_stamp, "0123456789abcdef");
  EXPECT_EQ(r.claims().iss, "anyone");  // not checked: no issuer configured
}

TEST(JwtClaims, ChecksTheConfiguredIssuer) {
  const auto c = with_issuer_and_audience();
  EXPECT_TRUE(check(payload(R"(,"iss":"mizan","aud":"api")"), c));
  EXPECT_EQ(check(payload(R"(,"iss":"evil","aud":"api")"), c).error(), jwt_error::wrong_issuer);
  EXPECT_EQ(check(payload(R"(,"iss":"Mizan","aud":"api")"), c).error(), jwt_error::wrong_issuer);
  EXPECT_EQ(check(payload(R"(,"aud":"api")"), c).error(), jwt_error::missing_claim);
}

TEST(JwtClaims, ChecksTheAudienceAsStringOrArray) {
  const auto c = with_issuer_and_audience();
  const auto listed = check(payload(R"(,"iss":"mizan","aud":["other","api"])"), c);
  ASSERT_TRUE(listed) << listed.message();
  EXPECT_EQ(listed.claims().aud, "api");
  EXPECT_EQ(check(payload(R"(,"iss":"mizan","aud":"other")"), c).error(),
            jwt_error::wrong_audience);
  EXPECT_EQ(check(payload(R"(,"iss":"mizan","aud":["other"])"), c).error(),
            jwt_error::wrong_audience);
  EXPECT_EQ(check(payload(R"(,"iss":"mizan","aud":[])"), c).error(), jwt_error::wrong_audience);
  EXPECT_EQ(check(payload(R"(,"iss":"mizan")"), c).error(), jwt_error::missing_claim);
  EXPECT_EQ(check(payload(R"(,"iss":"mizan","aud":5)"), c).error(), jwt_error::malformed);
  EXPECT_EQ(check(payload(R"(,"iss":"mizan","aud":["api",5])"), c).error(), jwt_error::malformed);
}

TEST(JwtClaims, RefusesAnAudienceTheVerifierDoesNotHave) {
  // RFC 7519 §4.1.3: a principal not named in a present `aud` must refuse.
  const auto r = check(payload(R"(,"aud":"api")"), hs256_config());
  EXPECT_EQ(r.error(), jwt_error::wrong_audience);
  EXPECT_EQ(r.message(), "token names an audience but none is configured");
}
