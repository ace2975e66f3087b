// JSON Web Tokens (RFC 7519) for Mizan's bearer sessions (PROTOCOL.md §3),
// with the verifier, never the token, choosing the algorithm (RFC 8725).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mizan::auth {

/// The registered claims Mizan reads and writes. NumericDates are integer
/// unix seconds (RFC 7519 allows fractions; they are refused as malformed).
struct jwt_claims {
  // Every member has an initializer so designated initializers may omit any.
  std::string sub{};  ///< the user id, non-empty
  std::int64_t exp = 0;
  std::optional<std::int64_t> nbf{}, iat{};
  std::optional<std::string> iss{}, aud{}, jti{};
  std::string token_type{};  ///< "access" or "refresh"; empty: not written
  /// Mizan's refresh tokens: which password they were issued under
  /// (server/identity/refresh_stamp.hpp). Claim `password_stamp`.
  std::optional<std::string> password_stamp{};
};

/// Signs `claims` as a compact JWS with header `{"alg":"HS256","typ":"JWT"}`.
///
/// The payload lists sub, token_type, exp, nbf, iat, iss, aud, jti,
/// password_stamp in that order, leaving out absent ones.
/// @param secret at least 32 bytes (RFC 7518 §3.2).
/// @throws std::invalid_argument for a short secret, an empty `sub`, or a
///   NumericDate beyond ±(2^53 - 1).
/// Thread-safety: reentrant.
/// Example: `jwt_sign_hs256({.sub = "42", .exp = now + 300, .token_type = "access"}, key)`
std::string jwt_sign_hs256(const jwt_claims& claims, std::string_view secret);

/// Why a token was refused.
enum class jwt_error {
  malformed,              ///< not three strict base64url parts of JSON objects, bad claim type
  bad_signature,          ///< signature does not match
  algorithm_not_allowed,  ///< `none`, not in the allow-list, or no key for it
  expired,                ///< now >= exp + leeway
  not_yet_valid,          ///< now + leeway < nbf
  wrong_issuer,           ///< iss differs from the configured issuer
  wrong_audience,         ///< aud does not name the configured audience
  wrong_token_type,       ///< e.g. a refresh token where an access token is expected
  missing_claim,          ///< sub, exp, or a configured iss, aud or token_type absent
};

/// The short name of a reason, e.g. "expired" (for logs and metrics).
std::string_view to_string(jwt_error e) noexcept;

/// The claims of a valid token, or the reason it was refused.
class jwt_result {
 public:
  /// A success.
  jwt_result(jwt_claims claims) noexcept : claims_(std::move(claims)) {}
  /// A failure; `message` must be static text.
  jwt_result(jwt_error error, std::string_view message) noexcept
      : error_(error), message_(message) {}

  bool ok() const noexcept { return !error_; }
  explicit operator bool() const noexcept { return ok(); }
  /// The claims; throws std::logic_error if the token was refused.
  const jwt_claims& claims() const&;
  jwt_claims&& claims() &&;
  /// The reason; meaningful only when !ok().
  jwt_error error() const noexcept { return error_.value_or(jwt_error::malformed); }
  /// A readable English reason (never quoting the token); empty when ok().
  std::string_view message() const noexcept { return message_; }

 private:
  jwt_claims claims_;
  std::optional<jwt_error> error_;
  std::string_view message_;
};

/// How a jwt_verifier checks tokens. An algorithm is usable only when it is
/// in `allowed_algorithms` and its key is configured.
struct jwt_verifier_config {
  std::string hs256_secret;          ///< empty: HS256 tokens are refused; else at least 32 bytes
  std::string rs256_public_key_pem;  ///< SubjectPublicKeyInfo PEM; empty: none
  std::vector<std::string> allowed_algorithms = {"HS256"};  ///< "HS256" and/or "RS256"
  std::optional<std::string> issuer, audience;
  std::int64_t leeway_seconds = 0;    ///< clock skew tolerated on exp and nbf, 0 to 86400
  std::function<std::int64_t()> now;  ///< unix seconds; empty: the system clock
};

namespace detail {
class rs256_key;
}

/// Verifies compact JWS tokens (JWT, RFC 7519) against a fixed configuration.
///
/// The header's `alg` must be usable (`none` is refused in any spelling,
/// RS256 without a public key and HS256 without a secret too, so an RS256 key
/// can never be used as an HMAC secret); `kid` is ignored and `crit` refused.
/// Header and payload are strict JSON (no duplicate keys, depth 16 at most);
/// tokens over 8 KiB are malformed. `sub` must be a non-empty string, `exp`
/// an integer; `nbf` is checked when present, `iss` when an issuer is
/// configured, and `aud` (a string or an array of strings) whenever either
/// side has one (RFC 7519 §4.1.3: a token naming an audience is refused by a
/// verifier that has none).
/// Thread-safety: verify() may be called concurrently on one verifier.
class jwt_verifier {
 public:
  /// @throws std::invalid_argument naming the problem, for start-up
  ///   misconfiguration: an unknown or `none` algorithm, a bad or weak PEM
  ///   (RSA below 2048 bits), a secret under 32 bytes, a leeway outside 0 to
  ///   86400, or no usable algorithm at all.
  explicit jwt_verifier(jwt_verifier_config config);
  ~jwt_verifier();
  jwt_verifier(const jwt_verifier&);
  jwt_verifier& operator=(const jwt_verifier&);
  jwt_verifier(jwt_verifier&&) noexcept;
  jwt_verifier& operator=(jwt_verifier&&) noexcept;

  /// Verifies `token` and requires its `token_type` claim to equal
  /// `expected_token_type` (e.g. "access" on every bearer request).
  /// @throws std::invalid_argument if `expected_token_type` is empty (a bug).
  /// Example: `if (auto r = v.verify(bearer, "access"); r) user = r.claims().sub;`
  jwt_result verify(std::string_view token, std::string_view expected_token_type) const;

  /// Verifies everything but `token_type`, for tokens of other issuers that
  /// carry none. Never use it where Mizan's access tokens are expected.
  jwt_result verify_without_token_type(std::string_view token) const;

 private:
  jwt_result check(std::string_view token, std::optional<std::string_view> token_type) const;

  jwt_verifier_config config_;
  bool hs256_usable_ = false;
  std::shared_ptr<const detail::rs256_key> rs256_;  // set when RS256 is usable
};

}  // namespace mizan::auth
