// Test-only helpers for crafting tokens with arbitrary headers and payloads.
#pragma once

#include "auth/base64url.hpp"
#include "auth/jwt.hpp"
#include "core/crypto.hpp"

#include <string>
#include <string_view>

namespace mizan::auth::test {

inline constexpr std::string_view secret = "mizan-jwt-test-secret-0123456789abcdef";
inline constexpr std::int64_t expiry = 2'000'000'000;

/// `header.payload.signature` with an HS256 signature under `key`, whatever
/// the header says. HMAC-SHA256 itself is checked against RFC 4231 in core.
inline std::string hs256_token(std::string_view header_json, std::string_view payload_json,
                               std::string_view key = secret) {
  std::string token = base64url_encode(header_json) + "." + base64url_encode(payload_json);
  const auto mac = crypto::hmac_sha256(key, token);
  return token + "." + base64url_encode({reinterpret_cast<const char*>(mac.data()), mac.size()});
}

/// An HS256 token with the usual header.
inline std::string hs256_claims(std::string_view payload_json) {
  return hs256_token(R"({"alg":"HS256","typ":"JWT"})", payload_json);
}

/// A verifier for HS256 under `secret`, its clock stopped at `now`.
inline jwt_verifier_config hs256_config(std::int64_t now = expiry - 100) {
  jwt_verifier_config c;
  c.hs256_secret = secret;
  c.now = [now] { return now; };
  return c;
}

}  // namespace mizan::auth::test
