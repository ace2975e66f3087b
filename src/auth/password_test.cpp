#include "auth/password.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

using mizan::auth::password_cost;
using mizan::auth::password_hash;
using mizan::auth::password_needs_rehash;
using mizan::auth::password_verify;

namespace {

constexpr std::string_view known_password = "correct horse battery staple";

// Produced with the Argon2 reference implementation (Debian's `argon2` tool):
//   echo -n "correct horse battery staple" | argon2 "mizan-known-salt" -id -t 2 -m 12 -p 1 -l 32 -e
constexpr std::string_view known_hash =
    "$argon2id$v=19$m=4096,t=2,p=1$bWl6YW4ta25vd24tc2FsdA$"
    "rXwebvYfcj238CQrEjgzXPAAFbHZL8dNBpBU6UCEGCE";
//   echo -n "password" | argon2 somesalt -id -t 2 -m 16 -p 1 -l 32 -e
constexpr std::string_view known_hash_64mib =
    "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc";
//   the first command with -i instead of -id (argon2i, not accepted)
constexpr std::string_view known_argon2i =
    "$argon2i$v=19$m=4096,t=2,p=1$bWl6YW4ta25vd24tc2FsdA$6SuiDVyrJtNRW8L4kmeXfu9+"
    "a2iOFEwLaDxlBPf3ecw";

const password_cost fast = password_cost::fast_for_tests();

}  // namespace

TEST(Password, AcceptsHashesFromTheReferenceImplementation) {
  EXPECT_TRUE(password_verify(known_hash, known_password));
  EXPECT_FALSE(password_verify(known_hash, "correct horse battery stapler"));
  EXPECT_FALSE(password_verify(known_hash, ""));
  EXPECT_TRUE(password_verify(known_hash_64mib, "password"));
  EXPECT_FALSE(password_verify(known_hash_64mib, "Password"));
}

TEST(Password, RoundTripsWithAFreshSalt) {
  const std::string a = password_hash("s3cret", fast);
  const std::string b = password_hash("s3cret", fast);
  EXPECT_TRUE(a.starts_with("$argon2id$v=19$m=8,t=1,p=1$")) << a;
  EXPECT_NE(a, b);
  EXPECT_TRUE(password_verify(a, "s3cret"));
  EXPECT_TRUE(password_verify(b, "s3cret"));
  EXPECT_FALSE(password_verify(a, "s3cre"));
  EXPECT_FALSE(password_verify(a, "s3cret "));
  const std::string empty = password_hash("", fast);
  EXPECT_TRUE(password_verify(empty, ""));
  EXPECT_FALSE(password_verify(empty, "x"));
}

TEST(Password, KeepsEveryByteOfThePassword) {
  const std::string with_nul("abc\0def", 7);
  const std::string h = password_hash(with_nul, fast);
  EXPECT_TRUE(password_verify(h, with_nul));
  EXPECT_FALSE(password_verify(h, "abc"));
}

TEST(Password, InteractiveCostUsesLibsodiumLimits) {
  const std::string h = password_hash("pw");
  EXPECT_TRUE(h.starts_with("$argon2id$v=19$m=65536,t=2,p=1$")) << h;
  EXPECT_TRUE(password_verify(h, "pw"));
}

TEST(Password, RefusesMalformedHashesWithoutThrowing) {
  std::string flipped(known_hash);
  flipped.back() = flipped.back() == 'E' ? 'F' : 'E';
  std::string with_nul(known_hash);
  with_nul += std::string_view("\0garbage", 8);
  const std::string_view bad[] = {"",
                                  "garbage",
                                  "$argon2id$",
                                  known_hash.substr(0, known_hash.size() - 10),
                                  flipped,
                                  with_nul,
                                  known_argon2i,
                                  "$argon2id$v=19$m=4096,t=2,p=1$bWl6YW4ta25vd24tc2FsdA$",
                                  "$argon2id$v=19$m=0,t=2,p=1$bWl6YW4ta25vd24tc2FsdA$"
                                  "rXwebvYfcj238CQrEjgzXPAAFbHZL8dNBpBU6UCEGCE",
                                  "$argon2id$v=18$m=4096,t=2,p=1$bWl6YW4ta25vd24tc2FsdA$"
                                  "rXwebvYfcj238CQrEjgzXPAAFbHZL8dNBpBU6UCEGCE",
                                  "$2b$12$abcdefghijklmnopqrstuuNmj8Zq0Hr3x3x3x3x3x3x3x3x3x3x3"};
  for (const auto hash : bad) EXPECT_FALSE(password_verify(hash, known_password)) << hash;
  EXPECT_FALSE(password_verify(std::string(known_hash) + std::string(200, 'A'), known_password));
}

TEST(Password, NeedsRehashWhenCostOrAlgorithmDiffers) {
  const std::string h = password_hash("pw", fast);
  EXPECT_FALSE(password_needs_rehash(h, fast));
  EXPECT_TRUE(password_needs_rehash(h, password_cost::interactive()));
  EXPECT_FALSE(password_needs_rehash(known_hash, password_cost{2, 4096 * 1024}));
  EXPECT_TRUE(password_needs_rehash(known_hash, password_cost{3, 4096 * 1024}));
  EXPECT_TRUE(password_needs_rehash(known_argon2i, password_cost{2, 4096 * 1024}));
  EXPECT_TRUE(password_needs_rehash("garbage", fast));
}

TEST(Password, RefusesCostsBelowTheMinimum) {
  EXPECT_THROW(password_hash("pw", password_cost{0, fast.memlimit}), std::invalid_argument);
  EXPECT_THROW(password_hash("pw", password_cost{fast.opslimit, 1024}), std::invalid_argument);
}

TEST(Password, HashesAndVerifiesFromManyThreads) {
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&ok, i] {
      const std::string pw = "pw" + std::to_string(i);
      if (password_verify(password_hash(pw, fast), pw) &&
          password_verify(known_hash, known_password)) {
        ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 4);
}
