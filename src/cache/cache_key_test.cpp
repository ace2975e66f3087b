#include "cache/cache_key.hpp"

#include <gtest/gtest.h>

using namespace mizan::cache;

// Expected digests from OpenSSL, independent of this code:
// printf 'mizan-cache-v1\ntodos\n0\n\npublic' | openssl dgst -sha256 -hmac secret
TEST(CacheKey, MatchesOpenSsl) {
  EXPECT_EQ(cache_key("secret", "todos", 0, "", public_scope),
            "mizan:c:todos:23ddf3d7edb8ec626234014751d3ce7041ba55fc516925f9d60092fa4b4675fa");
  // printf 'mizan-cache-v1\ntodo\n3\nid=5\nuser:42' | openssl dgst -sha256 -hmac 'cache secret'
  EXPECT_EQ(cache_key("cache secret", "todo", 3, "id=5", user_scope("42")),
            "mizan:c:todo:d3d1241f7d0031a7cc49dd61df4c3c21f93a9b6ee0c5968ae09b554b9666ad56");
  // printf 'mizan-cache-v1\nsearch\n-1\nq=a%%20b&page=2\npublic' | openssl dgst -sha256 -hmac
  // secret
  EXPECT_EQ(cache_key("secret", "search", -1, "q=a%20b&page=2", "public"),
            "mizan:c:search:c6ec5655756f8387c26e5a8ade9d28ee8d7d69f1efb6f5e91cae4ab2972ef69f");
}

TEST(CacheKey, EveryPartChangesTheKey) {
  const auto base = cache_key("secret", "todos", 0, "", "public");
  // printf 'mizan-cache-v1\ntodos\n0\n\npublic' | openssl dgst -sha256 -hmac other
  EXPECT_EQ(cache_key("other", "todos", 0, "", "public"),
            "mizan:c:todos:65fe3f6db41f7095a4deaf219fa042ef601aec0e2f47e9b4f652922d211db963");
  EXPECT_NE(cache_key("secret", "todos", 1, "", "public"), base);
  EXPECT_NE(cache_key("secret", "todos", 0, "a=1", "public"), base);
  EXPECT_NE(cache_key("secret", "todos", 0, "", "user:1"), base);
  EXPECT_NE(cache_key("secret", "todos", 0, "", "user:1"),
            cache_key("secret", "todos", 0, "", "user:2"));
}

TEST(UserScope, PrefixesTheId) {
  EXPECT_EQ(user_scope("42"), "user:42");
}
