#include "server/identity/csrf.hpp"

#include "core/crypto.hpp"

#include <algorithm>

namespace mizan::server {
namespace {

constexpr std::size_t nonce_hex = 32;  // 16 random bytes
constexpr std::size_t mac_hex = 32;    // 16 bytes of the HMAC

std::string mac_of(std::string_view secret, std::string_view nonce) {
  std::string input = "mizan-csrf-v1\n";
  input += nonce;
  const auto mac = crypto::hmac_sha256(secret, input);
  return crypto::to_hex(mac.data(), mac_hex / 2);
}

}  // namespace

std::string make_csrf_token(std::string_view secret) {
  std::string nonce = crypto::random_token(nonce_hex / 2);
  return nonce + mac_of(secret, nonce);
}

bool csrf_token_is_genuine(std::string_view secret, std::string_view token) {
  if (token.size() != nonce_hex + mac_hex) return false;
  return crypto::constant_time_equal(mac_of(secret, token.substr(0, nonce_hex)),
                                     token.substr(nonce_hex));
}

bool origin_allowed(std::string_view origin, std::span<const std::string> allowed) {
  return std::any_of(allowed.begin(), allowed.end(),
                     [&](const std::string& a) { return a == origin; });
}

bool is_unsafe_method(std::string_view method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS" && method != "TRACE";
}

}  // namespace mizan::server
