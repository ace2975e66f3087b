// Vectors computed independently with xxhsum 0.8.1 (`printf ... | xxhsum -H2`).
#include "core/fingerprint.hpp"

#include <gtest/gtest.h>

#include "core/crypto.hpp"

namespace {

using mizan::fingerprint::etag;
using mizan::fingerprint::xxh3_128;

std::string hex(std::string_view s) {
  const auto d = xxh3_128(s);
  return mizan::crypto::to_hex(d.data(), d.size());
}

TEST(Fingerprint, MatchesXxhsum) {
  EXPECT_EQ(hex(""), "99aa06d3014798d86001c324468d497f");
  EXPECT_EQ(hex("abc"), "06b05ab6733a618578af5f94892f3950");
  EXPECT_EQ(hex(R"({"list_todos":[]})"), "11f09f09be01a5273c252106542b0185");
}

TEST(Fingerprint, EtagIsQuotedHex) {
  EXPECT_EQ(etag("abc"), "\"06b05ab6733a618578af5f94892f3950\"");
}

TEST(Fingerprint, OneByteChangesIt) {
  std::string body(4096, 'x');
  const auto before = etag(body);
  for (std::size_t i : {0u, 17u, 2048u, 4095u}) {
    auto changed = body;
    changed[i] = 'y';
    EXPECT_NE(etag(changed), before) << "byte " << i;
  }
}

}  // namespace
