#include "auth/base64url.hpp"
#include "auth/jwt.hpp"
#include "auth/jwt_claims_reader.hpp"
#include "auth/rs256_key.hpp"
#include "auth/token_parts.hpp"

#include <boost/json/monotonic_resource.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <stdexcept>

namespace mizan::auth {
namespace {

// Bearer tokens are small; a cap bounds the work an attacker can ask for.
constexpr std::size_t max_token_size = 8192;
constexpr std::int64_t max_leeway_seconds = 86400;

bool iequals(std::string_view a, std::string_view b) noexcept {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](char x, char y) { return (x | 0x20) == (y | 0x20); });
}

bool allows(const std::vector<std::string>& list, std::string_view alg) {
  return std::find(list.begin(), list.end(), alg) != list.end();
}

}  // namespace

jwt_verifier::jwt_verifier(jwt_verifier_config config) : config_(std::move(config)) {
  for (const auto& alg : config_.allowed_algorithms) {
    if (iequals(alg, "none")) {
      throw std::invalid_argument("jwt_verifier: algorithm \"none\" can never be allowed");
    }
    if (alg != "HS256" && alg != "RS256") {
      throw std::invalid_argument("jwt_verifier: unsupported algorithm \"" + alg +
                                  "\" in allowed_algorithms (HS256, RS256)");
    }
  }
  if (!config_.hs256_secret.empty() && config_.hs256_secret.size() < 32) {
    throw std::invalid_argument("jwt_verifier: hs256_secret is under 32 bytes (RFC 7518 §3.2)");
  }
  if (config_.leeway_seconds < 0 || config_.leeway_seconds > max_leeway_seconds) {
    throw std::invalid_argument("jwt_verifier: leeway_seconds must be between 0 and 86400");
  }
  // A configured PEM is loaded even when RS256 is not allowed, so a broken
  // key is reported at start-up rather than when someone enables RS256.
  std::shared_ptr<const detail::rs256_key> key;
  if (!config_.rs256_public_key_pem.empty()) {
    key = std::make_shared<const detail::rs256_key>(config_.rs256_public_key_pem);
  }
  hs256_usable_ = !config_.hs256_secret.empty() && allows(config_.allowed_algorithms, "HS256");
  if (key && allows(config_.allowed_algorithms, "RS256")) rs256_ = std::move(key);
  if (!hs256_usable_ && !rs256_) {
    throw std::invalid_argument(
        "jwt_verifier: no usable algorithm (HS256 needs hs256_secret, RS256 needs "
        "rs256_public_key_pem, and each must be in allowed_algorithms)");
  }
  if (!config_.now) {
    config_.now = [] {
      return std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
  }
}

jwt_verifier::~jwt_verifier() = default;
jwt_verifier::jwt_verifier(const jwt_verifier&) = default;
jwt_verifier& jwt_verifier::operator=(const jwt_verifier&) = default;
jwt_verifier::jwt_verifier(jwt_verifier&&) noexcept = default;
jwt_verifier& jwt_verifier::operator=(jwt_verifier&&) noexcept = default;

jwt_result jwt_verifier::verify(std::string_view token,
                                std::string_view expected_token_type) const {
  if (expected_token_type.empty()) {
    throw std::invalid_argument("jwt_verifier::verify: empty expected_token_type");
  }
  return check(token, expected_token_type);
}

jwt_result jwt_verifier::verify_without_token_type(std::string_view token) const {
  return check(token, std::nullopt);
}

jwt_result jwt_verifier::check(std::string_view token,
                               std::optional<std::string_view> token_type) const {
  if (token.size() > max_token_size) return {jwt_error::malformed, "token is too long"};
  const auto parts = detail::split_three(token);
  if (!parts) return {jwt_error::malformed, "token does not have three parts"};
  const auto& [header_b64, payload_b64, signature_b64] = *parts;

  // Header, payload and decoded text fit in this buffer for typical tokens.
  std::array<unsigned char, 2048> buffer;
  boost::json::monotonic_resource mr(buffer.data(), buffer.size());

  const boost::json::value header = detail::decode_json_object(header_b64, mr);
  if (header.is_null()) return {jwt_error::malformed, "header is not a strict JSON object"};
  const auto* alg_value = header.get_object().if_contains("alg");
  if (!alg_value || !alg_value->is_string()) {
    return {jwt_error::malformed, "header has no alg string"};
  }
  // No extension is understood, so RFC 7515 §4.1.11 requires refusing any.
  if (header.get_object().contains("crit")) {
    return {jwt_error::malformed, "header has unsupported crit parameters"};
  }

  // The verifier chooses: the header only selects among usable algorithms.
  const std::string_view alg = alg_value->get_string();
  const std::string_view signed_part = token.substr(0, header_b64.size() + 1 + payload_b64.size());
  if (iequals(alg, "none")) return {jwt_error::algorithm_not_allowed, "alg none is refused"};
  if (alg == "HS256" && hs256_usable_) {
    if (!detail::hs256_matches(config_.hs256_secret, signed_part, signature_b64)) {
      return {jwt_error::bad_signature, "signature does not match"};
    }
  } else if (alg == "RS256" && rs256_) {
    std::array<char, detail::rs256_key::max_signature_size> signature;
    const auto size = base64url_decode_to(signature_b64, signature);
    if (!size || !rs256_->verify(signed_part, {signature.data(), *size})) {
      return {jwt_error::bad_signature, "signature does not match"};
    }
  } else {
    return {jwt_error::algorithm_not_allowed, "algorithm not allowed"};
  }

  const boost::json::value payload = detail::decode_json_object(payload_b64, mr);
  if (payload.is_null()) return {jwt_error::malformed, "payload is not a strict JSON object"};
  return detail::read_claims(payload.get_object(), {config_.now(), config_.leeway_seconds,
                                                    config_.issuer, config_.audience, token_type});
}

}  // namespace mizan::auth
