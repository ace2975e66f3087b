// mizan::auth::jwt_verifier::verify on arbitrary tokens. An input starting
// with 'S' is instead "S<header JSON>\n<payload JSON>", which the target signs
// with HS256 itself, so that the fuzzer reaches the claim checks that a
// forged signature never gets to. Accepted claims must satisfy every
// configured rule and survive jwt_sign_hs256 -> verify unchanged; a token
// signed under another secret is never accepted.
#include "auth/base64url.hpp"
#include "auth/jwt.hpp"
#include "core/crypto.hpp"

#include "fuzz_check.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

using namespace mizan::auth;

constexpr std::string_view secret = "mizan-fuzz-jwt-secret-0123456789abcdef";
constexpr std::string_view other_secret = "mizan-fuzz-other-secret-0123456789abcd";
constexpr std::int64_t now = 1'700'000'000;
constexpr std::int64_t leeway = 60;

// A 2048-bit RSA public key made for these targets (openssl genpkey); the
// seed corpus holds one token signed with its private key, which was then
// thrown away.
constexpr std::string_view rs256_public_key = R"(-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEApTQo1AyvbuQ5xgZ3ZwvJ
dsIONHzKTFnJ0gBepez2+H/6YUWH+KrSon98uaJj4TAxYsKC0i+R+7yebM2Y5bxH
y9czCFaBUr8awus7iW9CwVbhe8RhKzhIwYFVsJgp6Br+85q8tQy2BtLBZge5UWus
CVhC914q9Fc2KVO8hEZ892SVGjO8GYMnaxNSlQXCW7jUON3tO2TB4G0we9JreDiJ
OKy6Xfo4+4hW+liohYVEorpue6ls+AF0ojSlKm1gDzTuSra3Vu5moovmKuEJKY5D
lVvOLpeLVMlr9qLrxchHTC6D/6v27l95o/AC2Np/ER2WyUJdYvp4Y8YThILelnyL
uQIDAQAB
-----END PUBLIC KEY-----
)";

jwt_verifier_config config(std::string_view key, bool strict) {
  jwt_verifier_config c;
  c.hs256_secret = key;
  c.now = [] { return now; };
  if (strict) {
    c.rs256_public_key_pem = rs256_public_key;
    c.allowed_algorithms = {"HS256", "RS256"};
    c.issuer = "https://auth.example";
    c.audience = "mizan-api";
    c.leeway_seconds = leeway;
  }
  return c;
}

// With issuer, audience, leeway and both algorithms; and with none of them.
const jwt_verifier strict_verifier(config(secret, true));
const jwt_verifier plain_verifier(config(secret, false));
const jwt_verifier other_verifier(config(other_secret, true));

std::string hs256_token(std::string_view header, std::string_view payload) {
  std::string token = base64url_encode(header) + "." + base64url_encode(payload);
  const auto mac = mizan::crypto::hmac_sha256(secret, token);
  return token + "." + base64url_encode({reinterpret_cast<const char*>(mac.data()), mac.size()});
}

bool same(const jwt_claims& a, const jwt_claims& b) {
  return a.sub == b.sub && a.exp == b.exp && a.nbf == b.nbf && a.iat == b.iat && a.iss == b.iss &&
         a.aud == b.aud && a.jti == b.jti && a.token_type == b.token_type;
}

void check_accepted(const jwt_verifier& v, const jwt_verifier_config& rules, const jwt_result& r,
                    std::string_view token_type) {
  if (!r) {
    MIZAN_FUZZ_CHECK(!r.message().empty());
    return;
  }
  const jwt_claims& c = r.claims();
  const std::int64_t slack = rules.leeway_seconds;
  MIZAN_FUZZ_CHECK(!c.sub.empty());
  MIZAN_FUZZ_CHECK(now < c.exp + slack);
  MIZAN_FUZZ_CHECK(!c.nbf || now + slack >= *c.nbf);
  MIZAN_FUZZ_CHECK(!rules.issuer || c.iss == rules.issuer);
  MIZAN_FUZZ_CHECK(c.aud == rules.audience);
  MIZAN_FUZZ_CHECK(token_type.empty() || c.token_type == token_type);

  const std::string again = jwt_sign_hs256(c, secret);
  const auto r2 =
      token_type.empty() ? v.verify_without_token_type(again) : v.verify(again, token_type);
  MIZAN_FUZZ_CHECK(r2.ok());
  MIZAN_FUZZ_CHECK(same(r2.claims(), c));
}

void check(std::string_view token, bool signed_here) {
  static const auto strict_rules = config(secret, true);
  static const auto plain_rules = config(secret, false);
  check_accepted(strict_verifier, strict_rules, strict_verifier.verify(token, "access"), "access");
  check_accepted(strict_verifier, strict_rules, strict_verifier.verify_without_token_type(token),
                 {});
  check_accepted(plain_verifier, plain_rules, plain_verifier.verify(token, "refresh"), "refresh");
  if (signed_here) {
    const auto r = other_verifier.verify_without_token_type(token);
    MIZAN_FUZZ_CHECK(!r.ok());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (!input.empty() && input.front() == 'S') {
    const std::string_view rest = input.substr(1);
    const std::size_t newline = rest.find('\n');
    if (newline == std::string_view::npos) return 0;
    check(hs256_token(rest.substr(0, newline), rest.substr(newline + 1)), true);
  } else {
    check(input, false);
  }
  return 0;
}
