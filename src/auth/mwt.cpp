#include "auth/mwt.hpp"

#include "auth/base64url.hpp"
#include "auth/token_parts.hpp"
#include "core/crypto.hpp"
#include "core/json_strict.hpp"

#include <boost/json/serialize.hpp>

#include <array>
#include <stdexcept>

namespace mizan::auth {
namespace {
constexpr std::string_view prefix = "mwt1";
}  // namespace

std::string mwt_issue(std::string_view secret, std::string_view sub, std::int64_t exp) {
  if (secret.empty()) throw std::invalid_argument("mwt_issue: empty secret");
  if (sub.empty()) throw std::invalid_argument("mwt_issue: empty sub");
  if (exp > json::max_safe_integer || exp < -json::max_safe_integer) {
    throw std::invalid_argument("mwt_issue: exp out of range");
  }
  const std::string payload =
      "{\"sub\":" + boost::json::serialize(sub) + ",\"exp\":" + std::to_string(exp) + "}";
  std::string token = std::string(prefix) + "." + base64url_encode(payload);
  const crypto::digest256 mac = crypto::hmac_sha256(secret, token);
  token += '.';
  token += base64url_encode({reinterpret_cast<const char*>(mac.data()), mac.size()});
  return token;
}

std::optional<std::string> mwt_verify(std::string_view secret, std::string_view token,
                                      std::int64_t now) {
  if (secret.empty()) return std::nullopt;
  const auto parts = detail::split_three(token);
  if (!parts || (*parts)[0] != prefix) return std::nullopt;
  const std::string_view signed_part = token.substr(0, prefix.size() + 1 + (*parts)[1].size());
  if (!detail::hs256_matches(secret, signed_part, (*parts)[2])) return std::nullopt;

  std::array<unsigned char, 1024> buffer;
  boost::json::monotonic_resource mr(buffer.data(), buffer.size());
  const boost::json::value payload = detail::decode_json_object((*parts)[1], mr);
  if (payload.is_null()) return std::nullopt;
  const auto& claims = payload.get_object();
  const auto* sub = claims.if_contains("sub");
  const auto* exp = claims.if_contains("exp");
  if (!sub || !sub->is_string() || sub->get_string().empty()) return std::nullopt;
  if (!exp || !exp->is_int64() || exp->get_int64() <= now) return std::nullopt;
  return std::string(sub->get_string());
}

}  // namespace mizan::auth
