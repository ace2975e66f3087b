#include "auth/jwt.hpp"
#include "auth/jwt_test_support.hpp"

#include <gtest/gtest.h>

#include <chrono>

using namespace mizan::auth;
using namespace mizan::auth::test;

namespace {

constexpr std::string_view access_payload =
    R"({"sub":"42","token_type":"access","exp":2000000000})";

jwt_error refusal(std::string_view token, jwt_verifier_config config = hs256_config()) {
  const auto r = jwt_verifier(std::move(config)).verify(token, "access");
  EXPECT_FALSE(r.ok()) << token;
  EXPECT_FALSE(r.message().empty());
  return r.error();
}

}  // namespace

TEST(JwtVerify, AcceptsAValidAccessToken) {
  const auto r = jwt_verifier(hs256_config()).verify(hs256_claims(access_payload), "access");
  ASSERT_TRUE(r) << r.message();
  EXPECT_EQ(r.claims().sub, "42");
  EXPECT_EQ(r.claims().exp, expiry);
  EXPECT_EQ(r.claims().token_type, "access");
  EXPECT_TRUE(r.message().empty());
}

TEST(JwtVerify, RefusesTamperedSignatureAndPayload) {
  const std::string token = hs256_claims(access_payload);
  std::string bad_sig = token;
  bad_sig[bad_sig.size() - 5] = bad_sig[bad_sig.size() - 5] == 'A' ? 'B' : 'A';
  EXPECT_EQ(refusal(bad_sig), jwt_error::bad_signature);
  // Same claims but sub "43", keeping the original signature.
  const std::string forged = hs256_claims(R"({"sub":"43","token_type":"access","exp":2000000000})");
  const std::string spliced = forged.substr(0, forged.rfind('.')) + token.substr(token.rfind('.'));
  EXPECT_EQ(refusal(spliced), jwt_error::bad_signature);
  EXPECT_EQ(refusal(hs256_token(R"({"alg":"HS256"})", access_payload,
                                "another-secret-of-32-bytes-or-more!")),
            jwt_error::bad_signature);
  EXPECT_EQ(refusal(token.substr(0, token.rfind('.') + 1)), jwt_error::bad_signature);
}

TEST(JwtVerify, RefusesAlternateBase64Spellings) {
  const std::string token = hs256_claims(access_payload);
  // 43 characters: the last one carries 2 unused bits, so three other
  // characters decode to the same bytes in a lenient decoder.
  const char last = token.back();
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const auto base = alphabet.find(last) & ~std::size_t{3};
  for (std::size_t i = base; i < base + 4; ++i) {
    if (alphabet[i] == last) continue;
    std::string other = token;
    other.back() = alphabet[i];
    EXPECT_EQ(refusal(other), jwt_error::bad_signature) << other;
  }
  EXPECT_EQ(refusal(token + "="), jwt_error::bad_signature);
  // Padding in the header is refused before any signature check.
  EXPECT_EQ(refusal(hs256_token(R"({"alg":"HS256"} )", access_payload).insert(22, "=")),
            jwt_error::malformed);
}

TEST(JwtVerify, RefusesAlgNoneInAnyCase) {
  for (const auto* alg : {"none", "NONE", "None", "nOnE"}) {
    const std::string header = std::string(R"({"alg":")") + alg + R"(","typ":"JWT"})";
    const std::string unsigned_token = hs256_token(header, access_payload);
    EXPECT_EQ(refusal(unsigned_token.substr(0, unsigned_token.rfind('.') + 1)),
              jwt_error::algorithm_not_allowed)
        << alg;
    // Even carrying a valid HMAC.
    EXPECT_EQ(refusal(unsigned_token), jwt_error::algorithm_not_allowed) << alg;
  }
}

TEST(JwtVerify, RefusesAlgorithmsOutsideTheAllowList) {
  for (const auto* alg : {"HS512", "hs256", "ES256", "RS256", ""}) {
    const std::string header = std::string(R"({"alg":")") + alg + R"("})";
    EXPECT_EQ(refusal(hs256_token(header, access_payload)), jwt_error::algorithm_not_allowed)
        << alg;
  }
  EXPECT_EQ(refusal(hs256_token(R"({"alg":5})", access_payload)), jwt_error::malformed);
  EXPECT_EQ(refusal(hs256_token(R"({"typ":"JWT"})", access_payload)), jwt_error::malformed);
}

TEST(JwtVerify, RefusesDuplicateHeaderKeys) {
  EXPECT_EQ(refusal(hs256_token(R"({"alg":"HS256","alg":"none"})", access_payload)),
            jwt_error::malformed);
  EXPECT_EQ(refusal(hs256_token(R"({"alg":"none","alg":"HS256"})", access_payload)),
            jwt_error::malformed);
  EXPECT_EQ(
      refusal(hs256_claims(R"({"sub":"42","sub":"1","token_type":"access","exp":2000000000})")),
      jwt_error::malformed);
}

TEST(JwtVerify, IgnoresKidAndRefusesCrit) {
  const auto with_kid =
      hs256_token(R"({"alg":"HS256","kid":"../../etc/passwd' OR 1=1 --"})", access_payload);
  EXPECT_TRUE(jwt_verifier(hs256_config()).verify(with_kid, "access"));
  EXPECT_EQ(refusal(hs256_token(R"({"alg":"HS256","crit":["b64"],"b64":false})", access_payload)),
            jwt_error::malformed);
}

TEST(JwtVerify, RefusesMalformedTokens) {
  for (const std::string& token :
       {std::string(), std::string("abc"), std::string("a.b"), std::string("a.b.c.d"),
        std::string(".."), std::string("!!.e30.AAAA"),
        // header "e30" is {} (no alg); "W10" is []; "bnVsbA" is null
        hs256_token("{}", access_payload), hs256_token("[]", access_payload),
        hs256_token("null", access_payload), hs256_token("{\"alg\":\"HS256\"", access_payload),
        hs256_claims("[]"), hs256_claims("{\"sub\":\"42\""), hs256_claims("\"x\""),
        hs256_claims(std::string(R"({"sub":"42","token_type":"access","exp":2000000000,"x":")") +
                     std::string(9000, 'a') + "\"}")}) {
    EXPECT_EQ(refusal(token), jwt_error::malformed) << token;
  }
}

TEST(JwtVerify, RequiresTheExpectedTokenType) {
  jwt_verifier v(hs256_config());
  const auto refresh = hs256_claims(R"({"sub":"42","token_type":"refresh","exp":2000000000})");
  EXPECT_EQ(v.verify(refresh, "access").error(), jwt_error::wrong_token_type);
  EXPECT_TRUE(v.verify(refresh, "refresh"));
  const auto untyped = hs256_claims(R"({"sub":"42","exp":2000000000})");
  EXPECT_EQ(v.verify(untyped, "access").error(), jwt_error::missing_claim);
  EXPECT_TRUE(v.verify_without_token_type(untyped));
  EXPECT_EQ(
      v.verify(hs256_claims(R"({"sub":"42","token_type":1,"exp":2000000000})"), "access").error(),
      jwt_error::malformed);
  EXPECT_THROW((void)v.verify(refresh, ""), std::invalid_argument);
}

TEST(JwtVerify, UsesTheSystemClockByDefault) {
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  jwt_verifier_config c;
  c.hs256_secret = secret;
  jwt_verifier v(std::move(c));
  const jwt_claims live{.sub = "1", .exp = now + 60, .token_type = "access"};
  const jwt_claims dead{.sub = "1", .exp = now - 60, .token_type = "access"};
  EXPECT_TRUE(v.verify(jwt_sign_hs256(live, secret), "access"));
  EXPECT_EQ(v.verify(jwt_sign_hs256(dead, secret), "access").error(), jwt_error::expired);
}

TEST(JwtVerify, VerifierCopiesShareNothingMutable) {
  const jwt_verifier a(hs256_config());
  jwt_verifier b = a;
  jwt_verifier c = std::move(b);
  EXPECT_TRUE(c.verify(hs256_claims(access_payload), "access"));
  EXPECT_TRUE(a.verify(hs256_claims(access_payload), "access"));
}

TEST(JwtResult, ExposesClaimsOnlyOnSuccess) {
  const jwt_result failed(jwt_error::expired, "token has expired");
  EXPECT_THROW((void)failed.claims(), std::logic_error);
  EXPECT_EQ(to_string(failed.error()), "expired");
  EXPECT_EQ(to_string(jwt_error::algorithm_not_allowed), "algorithm_not_allowed");
}
