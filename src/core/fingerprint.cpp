#include "core/fingerprint.hpp"

#include <xxhash.h>

#include <cstring>

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
  // Written in place: one allocation per response, not two.
  static constexpr char hex[] = "0123456789abcdef";
  const auto digest = xxh3_128(body);
  std::string tag(2 + 2 * digest.size(), '"');
  for (std::size_t i = 0; i < digest.size(); ++i) {
    tag[1 + 2 * i] = hex[digest[i] >> 4];
    tag[2 + 2 * i] = hex[digest[i] & 15];
  }
  return tag;
}

std::string short_id(std::string_view bytes) {
  return etag(bytes).substr(1, 16);
}

}  // namespace mizan::fingerprint
