// Small cryptographic primitives shared by tokens, sessions and cache keys.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mizan::crypto {

using digest256 = std::array<std::uint8_t, 32>;

/// HMAC-SHA256 of `data` under `key` (RFC 2104, RFC 4231 vectors).
digest256 hmac_sha256(std::string_view key, std::string_view data);
/// SHA-256 of `data`.
digest256 sha256(std::string_view data);
/// Lower-case hex of any byte range.
std::string to_hex(const std::uint8_t* bytes, std::size_t size);
inline std::string to_hex(const digest256& d) {
  return to_hex(d.data(), d.size());
}
/// Compares in time that depends only on the lengths, never on the contents.
bool constant_time_equal(std::string_view a, std::string_view b) noexcept;
/// `size` bytes from the operating system's CSPRNG.
std::string random_bytes(std::size_t size);
/// A URL-safe random token carrying `bytes` bytes of entropy (hex encoded).
std::string random_token(std::size_t bytes = 32);

}  // namespace mizan::crypto
