#include "core/crypto.hpp"

#include <gtest/gtest.h>

#include <thread>

using namespace mizan::crypto;

// RFC 4231, test cases 1 and 2.
TEST(HmacSha256, Rfc4231Vectors) {
  EXPECT_EQ(to_hex(hmac_sha256(std::string(20, '\x0b'), "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(to_hex(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(ConstantTimeEqual, ComparesContentAndLength) {
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "ab"));
  EXPECT_TRUE(constant_time_equal("", ""));
}

TEST(RandomToken, IsHexOfRequestedEntropyAndVaries) {
  const auto a = random_token(16), b = random_token(16);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
}

TEST(HmacSha256, KeyedContextsAreReusedWithoutMixingKeys) {
  // More keys than a thread keeps contexts for, interleaved, twice over.
  for (int round = 0; round < 2; ++round) {
    for (int k = 0; k < 6; ++k) {
      const std::string key = "key-" + std::to_string(k);
      EXPECT_EQ(to_hex(hmac_sha256(key, "data")), to_hex(hmac_sha256(key, "data")));
      EXPECT_NE(to_hex(hmac_sha256(key, "data")), to_hex(hmac_sha256(key + "x", "data")));
    }
  }
  EXPECT_EQ(to_hex(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

// FIPS 180-2 vectors; the context each thread reuses must start clean.
TEST(Crypto, Sha256KnownAnswersOnReusedContexts) {
  for (int round = 0; round < 2; ++round) {
    EXPECT_EQ(to_hex(sha256("abc")),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(to_hex(sha256("")),
              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(to_hex(sha256(std::string(1000000, 'a'))),
              "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  }
  std::string elsewhere;
  std::thread([&] { elsewhere = to_hex(sha256("abc")); }).join();
  EXPECT_EQ(elsewhere, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
