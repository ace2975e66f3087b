// A fast 128-bit fingerprint of bytes, for validators such as ETags: it tells
// one version of a response from another, it guards nothing secret.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace mizan::fingerprint {

using digest128 = std::array<std::uint8_t, 16>;

/// XXH3-128 of `bytes`, in its canonical (big-endian) byte order, as
/// `xxhsum -H2` prints it.
digest128 xxh3_128(std::string_view bytes) noexcept;

/// The quoted lower-case hex of xxh3_128(body): an ETag value.
std::string etag(std::string_view body);

/// The first 16 lower-case hex digits of xxh3_128(bytes): a short identity,
/// such as the schema hash of `X-Mizan-Schema`.
std::string short_id(std::string_view bytes);

}  // namespace mizan::fingerprint
