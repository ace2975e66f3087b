#include "edge/purge_target.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace mizan::edge {
namespace {

TEST(ParsePurgeTargets, EmptyOrBlankIsNone) {
  EXPECT_TRUE(parse_purge_targets("").empty());
  EXPECT_TRUE(parse_purge_targets("  ").empty());
  EXPECT_TRUE(parse_purge_targets(" , ,").empty());
}

TEST(ParsePurgeTargets, ReadsAListWithSpaces) {
  const auto targets = parse_purge_targets(
      " varnish=http://127.0.0.1:6081/ ,  cloudflare = "
      "https://api.cloudflare.com/client/v4/zones/Z/purge_cache,fastly=https://api.fastly.com/"
      "service/S/purge ");
  ASSERT_EQ(targets.size(), 3u);
  EXPECT_EQ(targets[0].kind, purge_kind::varnish);
  EXPECT_EQ(targets[0].url, "http://127.0.0.1:6081/");
  EXPECT_FALSE(targets[0].tls);
  EXPECT_EQ(targets[0].host, "127.0.0.1");
  EXPECT_EQ(targets[0].port, "6081");
  EXPECT_EQ(targets[0].target, "/");
  EXPECT_EQ(targets[1].kind, purge_kind::cloudflare);
  EXPECT_TRUE(targets[1].tls);
  EXPECT_EQ(targets[1].host, "api.cloudflare.com");
  EXPECT_EQ(targets[1].port, "443");
  EXPECT_EQ(targets[1].target, "/client/v4/zones/Z/purge_cache");
  EXPECT_EQ(targets[2].kind, purge_kind::fastly);
  EXPECT_EQ(targets[2].target, "/service/S/purge");
}

TEST(ParsePurgeTargets, DefaultsPortAndPath) {
  const auto targets = parse_purge_targets("varnish=http://cache,varnish=https://cache?x=1,");
  ASSERT_EQ(targets.size(), 2u);
  EXPECT_EQ(targets[0].port, "80");
  EXPECT_EQ(targets[0].target, "/");
  EXPECT_EQ(targets[1].port, "443");
  EXPECT_TRUE(targets[1].tls);
  EXPECT_EQ(targets[1].target, "/?x=1");
}

TEST(ParsePurgeTargets, ReadsAnIpv6Literal) {
  const auto targets = parse_purge_targets("varnish=http://[::1]:6081/purge");
  ASSERT_EQ(targets.size(), 1u);
  EXPECT_EQ(targets[0].host, "::1");
  EXPECT_EQ(targets[0].port, "6081");
  EXPECT_EQ(targets[0].target, "/purge");
}

void expect_rejected(const std::string& text, const std::string& named) {
  try {
    parse_purge_targets(text);
    ADD_FAILURE() << "accepted " << text;
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(named), std::string::npos) << e.what();
  }
}

TEST(ParsePurgeTargets, RejectsBadEntriesByName) {
  expect_rejected("varnish=http://a/, akamai=http://b/", "akamai=http://b/");
  expect_rejected("varnish=ftp://a/", "varnish=ftp://a/");
  expect_rejected("varnish=127.0.0.1:6081", "varnish=127.0.0.1:6081");
  expect_rejected("varnish=http:///purge", "varnish=http:///purge");
  expect_rejected("varnish=http://:80/", "varnish=http://:80/");
  expect_rejected("http://a/", "http://a/");
  expect_rejected("varnish=http://a:0/", "varnish=http://a:0/");
  expect_rejected("varnish=http://a:65536/", "a:65536");
  expect_rejected("varnish=http://a:x/", "a:x");
  expect_rejected("varnish=http://a:/", "a:/");
  expect_rejected("varnish=http://u:p@a/", "u:p@a");
  expect_rejected("varnish=http://a/#x", "a/#x");
  expect_rejected("varnish=http://a/b c", "a/b c");
  expect_rejected("varnish=http://[::1/", "[::1/");
}

TEST(PurgeKind, NamesItselfAsTheSettingDoes) {
  EXPECT_EQ(to_string(purge_kind::varnish), "varnish");
  EXPECT_EQ(to_string(purge_kind::cloudflare), "cloudflare");
  EXPECT_EQ(to_string(purge_kind::fastly), "fastly");
}

}  // namespace
}  // namespace mizan::edge
