#include "auth/token_parts.hpp"

#include "auth/base64url.hpp"
#include "core/crypto.hpp"
#include "core/json_strict.hpp"

namespace mizan::auth::detail {

// Tokens carry claims, not documents: a shallow limit keeps parsing cheap.
constexpr json::limits token_json_limits{16};

std::optional<std::array<std::string_view, 3>> split_three(std::string_view token) noexcept {
  const auto first = token.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  const auto second = token.find('.', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  if (token.find('.', second + 1) != std::string_view::npos) return std::nullopt;
  return std::array<std::string_view, 3>{token.substr(0, first),
                                         token.substr(first + 1, second - first - 1),
                                         token.substr(second + 1)};
}

bool hs256_matches(std::string_view key, std::string_view signed_part,
                   std::string_view signature_b64) {
  std::array<char, 32> signature{};
  if (base64url_decoded_size(signature_b64.size()) != signature.size() ||
      !base64url_decode_to(signature_b64, signature)) {
    return false;
  }
  const crypto::digest256 expected = crypto::hmac_sha256(key, signed_part);
  return crypto::constant_time_equal(
      {reinterpret_cast<const char*>(expected.data()), expected.size()},
      {signature.data(), signature.size()});
}

boost::json::value decode_json_object(std::string_view part, boost::json::monotonic_resource& mr) {
  const std::size_t size = base64url_decoded_size(part.size());
  auto* text = static_cast<char*>(mr.allocate(size == 0 ? 1 : size, 1));
  const auto decoded = base64url_decode_to(part, {text, size});
  if (!decoded) return nullptr;
  auto parsed = json::parse_strict({text, *decoded}, token_json_limits, &mr);
  if (!parsed || !parsed.value.is_object()) return nullptr;
  return std::move(parsed.value);
}

}  // namespace mizan::auth::detail
