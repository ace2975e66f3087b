// Strict base64url (RFC 4648 §5, no padding), as JWS and MWT use it.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace mizan::auth {

/// Encodes `bytes` with the URL-safe alphabet and no `=` padding.
/// Thread-safety: reentrant. Example: `base64url_encode("\xff")` is `"_w"`.
std::string base64url_encode(std::string_view bytes);

/// Decodes `text`, accepting exactly one spelling of each byte string.
///
/// Refused (nullopt): `=` padding, characters outside `A-Za-z0-9-_`, a length
/// of 1 mod 4, and unused trailing bits that are not zero. A lenient decoder
/// would read `...k`, `...l`, `...m` and `...n` as one signature, which lets a
/// client bypass anything keyed on the token text (revocation, rate limits).
/// Thread-safety: reentrant.
std::optional<std::string> base64url_decode(std::string_view text);

/// The number of bytes `text` decodes to if it is valid (for sizing buffers).
constexpr std::size_t base64url_decoded_size(std::size_t text_size) noexcept {
  return text_size / 4 * 3 + (text_size % 4 > 1 ? text_size % 4 - 1 : 0);
}

/// Decodes like base64url_decode into a caller's buffer, without allocating.
/// @returns the number of bytes written, or nullopt if `text` is refused or
///   `out` is smaller than base64url_decoded_size(text.size()).
std::optional<std::size_t> base64url_decode_to(std::string_view text, std::span<char> out) noexcept;

}  // namespace mizan::auth
