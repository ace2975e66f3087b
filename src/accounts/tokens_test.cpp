#include "accounts/tokens.hpp"

#include <gtest/gtest.h>

#include <set>

namespace {

using namespace mizan::accounts;

TEST(AccountTokens, AreFortyThreeBase64UrlCharactersAndUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const auto t = tokens::make();
    EXPECT_EQ(t.size(), 43u);
    EXPECT_TRUE(tokens::well_formed(t)) << t;
    seen.insert(t);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(AccountTokens, MalformedTokensAreRefusedBeforeAnyLookup) {
  const auto t = tokens::make();
  EXPECT_FALSE(tokens::well_formed(""));
  EXPECT_FALSE(tokens::well_formed(t.substr(1)));
  EXPECT_FALSE(tokens::well_formed(t + "A"));
  EXPECT_FALSE(tokens::well_formed(t.substr(1) + "="));
  EXPECT_FALSE(tokens::well_formed(t.substr(1) + "+"));
  EXPECT_FALSE(tokens::well_formed(t.substr(1) + "/"));
  EXPECT_FALSE(tokens::well_formed(t.substr(1) + "\n"));
}

TEST(AccountTokens, OnlyTheHashIsStoredAndItIsSha256OfTheTokenAsSent) {
  // SHA-256("abc"), FIPS 180-2 B.1.
  EXPECT_EQ(tokens::hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const auto t = tokens::make();
  EXPECT_EQ(tokens::hash(t), tokens::hash(t));
  EXPECT_EQ(tokens::hash(t).find(t), std::string::npos);
  // Another spelling of the same bytes (a lenient decoder's) names another row.
  auto other = t;
  other.back() = other.back() == 'A' ? 'B' : 'A';
  EXPECT_NE(tokens::hash(other), tokens::hash(t));
}

TEST(AccountTokens, LiveUntilTheirExpiry) {
  EXPECT_TRUE(tokens::live(100, 99));
  EXPECT_FALSE(tokens::live(100, 100));
  EXPECT_FALSE(tokens::live(100, 101));
}

}  // namespace
