#include "auth/base64url.hpp"

#include <openssl/evp.h>

#include <gtest/gtest.h>

#include <array>
#include <random>
#include <string>

using mizan::auth::base64url_decode;
using mizan::auth::base64url_decode_to;
using mizan::auth::base64url_encode;

namespace {

// RFC 7515 A.1's signature; its bytes are listed in the RFC (and were
// re-checked with `node -e 'Buffer.from(sig, "base64url")'`).
constexpr std::string_view rfc7515_a1_signature = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
constexpr std::array<unsigned char, 32> rfc7515_a1_signature_bytes = {
    116, 24,  223, 180, 151, 153, 224, 37,  79, 250, 96, 125, 216, 173, 187, 186,
    22,  212, 37,  77,  105, 214, 191, 240, 91, 88,  5,  88,  83,  132, 141, 121};

// Independent reference: OpenSSL's base64, translated to the URL alphabet.
std::string openssl_base64url(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return out;
}

}  // namespace

TEST(Base64url, Rfc4648Vectors) {
  // RFC 4648 §10, without the padding.
  const std::pair<std::string_view, std::string_view> vectors[] = {
      {"", ""},           {"f", "Zg"},          {"fo", "Zm8"},         {"foo", "Zm9v"},
      {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(base64url_encode(plain), encoded);
    EXPECT_EQ(base64url_decode(encoded), std::string(plain));
  }
}

TEST(Base64url, UsesTheUrlSafeAlphabet) {
  // `printf '\xfb\xff\xbf' | base64` prints `+/+/`.
  EXPECT_EQ(base64url_encode("\xfb\xff\xbf"), "-_-_");
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
  EXPECT_EQ(base64url_decode("-_-_"), std::string("\xfb\xff\xbf"));
  EXPECT_FALSE(base64url_decode("+/+/"));
}

TEST(Base64url, DecodesRfc7515SignatureAndRefusesItsAlternateSpellings) {
  const auto bytes = base64url_decode(rfc7515_a1_signature);
  ASSERT_TRUE(bytes);
  EXPECT_EQ(*bytes,
            std::string(rfc7515_a1_signature_bytes.begin(), rfc7515_a1_signature_bytes.end()));
  EXPECT_EQ(base64url_encode(*bytes), rfc7515_a1_signature);
  // A lenient decoder (node's Buffer.from included) reads all of these as the
  // same 32 bytes.
  for (const char last : {'l', 'm', 'n'}) {
    std::string other(rfc7515_a1_signature);
    other.back() = last;
    EXPECT_FALSE(base64url_decode(other)) << other;
  }
}

TEST(Base64url, RefusesNonCanonicalOrForeignText) {
  EXPECT_FALSE(base64url_decode("Zg=="));  // padding
  EXPECT_FALSE(base64url_decode("Zm8="));
  EXPECT_FALSE(base64url_decode("Zg="));
  EXPECT_FALSE(base64url_decode("Z"));  // length 1 mod 4
  EXPECT_FALSE(base64url_decode("Zm9vY"));
  EXPECT_FALSE(base64url_decode("Zh"));   // 'h' leaves a non-zero bit after "f"
  EXPECT_FALSE(base64url_decode("Zm9"));  // '9' leaves a non-zero bit after "fo"
  EXPECT_FALSE(base64url_decode("Zm 9v"));
  EXPECT_FALSE(base64url_decode("Zm9v\n"));
  EXPECT_FALSE(base64url_decode(std::string_view("Zm\0v", 4)));
  EXPECT_FALSE(base64url_decode("Zm9\x80"));
  EXPECT_FALSE(base64url_decode("Zm.v"));
  EXPECT_EQ(base64url_decode(""), std::string());
}

TEST(Base64url, MatchesOpenSslOnRandomBytes) {
  std::mt19937 rng(20240601);
  for (std::size_t size = 0; size < 200; ++size) {
    std::string bytes(size, '\0');
    for (char& c : bytes) c = static_cast<char>(rng() & 0xff);
    const std::string encoded = openssl_base64url(bytes);
    ASSERT_EQ(base64url_encode(bytes), encoded);
    ASSERT_EQ(base64url_decode(encoded), bytes);
  }
}

TEST(Base64url, DecodeToChecksTheBufferSize) {
  std::array<char, 4> small{};
  EXPECT_EQ(base64url_decode_to("Zm9vYg", small), 4u);
  EXPECT_EQ(std::string_view(small.data(), 4), "foob");
  EXPECT_FALSE(base64url_decode_to("Zm9vYmE", small));
  EXPECT_FALSE(base64url_decode_to("Zh", small));
}
