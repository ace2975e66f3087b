#include "auth/base64url.hpp"
#include "auth/jwt.hpp"
#include "core/crypto.hpp"
#include "core/json_strict.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <stdexcept>

namespace mizan::auth {
namespace {

// base64url of {"alg":"HS256","typ":"JWT"}, the header of RFC 7519 §3.1.
constexpr std::string_view hs256_header = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";

void check_date(std::int64_t t, const char* what) {
  if (t > json::max_safe_integer || t < -json::max_safe_integer) {
    throw std::invalid_argument(std::string("jwt_sign_hs256: ") + what + " out of range");
  }
}

}  // namespace

std::string jwt_sign_hs256(const jwt_claims& claims, std::string_view secret) {
  if (secret.size() < 32) throw std::invalid_argument("jwt_sign_hs256: secret under 32 bytes");
  if (claims.sub.empty()) throw std::invalid_argument("jwt_sign_hs256: empty sub");
  check_date(claims.exp, "exp");

  boost::json::object payload;
  payload.reserve(9);
  payload.emplace("sub", claims.sub);
  if (!claims.token_type.empty()) payload.emplace("token_type", claims.token_type);
  payload.emplace("exp", claims.exp);
  if (claims.nbf) {
    check_date(*claims.nbf, "nbf");
    payload.emplace("nbf", *claims.nbf);
  }
  if (claims.iat) {
    check_date(*claims.iat, "iat");
    payload.emplace("iat", *claims.iat);
  }
  if (claims.iss) payload.emplace("iss", *claims.iss);
  if (claims.aud) payload.emplace("aud", *claims.aud);
  if (claims.jti) payload.emplace("jti", *claims.jti);
  if (claims.password_stamp) payload.emplace("password_stamp", *claims.password_stamp);

  std::string token(hs256_header);
  token += '.';
  token += base64url_encode(boost::json::serialize(payload));
  const crypto::digest256 mac = crypto::hmac_sha256(secret, token);
  token += '.';
  token += base64url_encode({reinterpret_cast<const char*>(mac.data()), mac.size()});
  return token;
}

}  // namespace mizan::auth
