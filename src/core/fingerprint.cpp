#include "core/fingerprint.hpp"

#include <xxhash.h>

#include <cstring>

#include "core/crypto.hpp"

namespace mizan::fingerprint {

digest128 xxh3_128(std::string_view bytes) noexcept {
  XXH128_canonical_t canonical;
  XXH128_canonicalFromHash(&canonical, XXH3_128bits(bytes.data(), bytes.size()));
  digest128 out;
  static_assert(sizeof(canonical.digest) == sizeof(out));
  std::memcpy(out.data(), canonical.digest, out.size());
  return out;
}

std::string etag(std::string_view body) {
  const auto digest = xxh3_128(body);
  std::string tag;
  tag.reserve(2 + 2 * digest.size());
  tag += '"';
  tag += crypto::to_hex(digest.data(), digest.size());
  tag += '"';
  return tag;
}

}  // namespace mizan::fingerprint
