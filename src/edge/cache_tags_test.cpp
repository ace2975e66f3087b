#include "edge/cache_tags.hpp"

#include <gtest/gtest.h>

namespace mizan::edge {
namespace {

using pairs = std::vector<params::canonical_pair>;

TEST(CacheTags, PublicResponseHasTheContextAndOneTagPerParam) {
  const pairs p{{"limit", "5"}, {"q", "a%20b"}};
  EXPECT_EQ(response_tags({"leaderboard", false, 2}, p, std::nullopt),
            "mz:leaderboard mz:leaderboard:limit=5 mz:leaderboard:q=a%20b");
  // A user id does not scope a public context.
  EXPECT_EQ(response_tags({"stats", false, 0}, {}, 7), "mz:stats");
}

TEST(CacheTags, PrivateResponseIsTaggedUnderItsUser) {
  const pairs p{{"id", "5"}};
  EXPECT_EQ(response_tags({"todo", true, 1}, p, 3), "mz:todo mz:todo@3 mz:@3 mz:todo@3:id=5");
}

TEST(CacheTags, PurgesNameWhatTheResponsesCarry) {
  std::vector<std::string> out;
  const std::vector<std::int64_t> users{3, 9};
  purge_tags({"todo", true, 1}, params::invalidation_entry{"todo", {{"id", "5"}}}, users, out);
  purge_tags({"todos", true, 0}, params::invalidation_entry{"todos", {}}, users, out);
  purge_tags({"leaderboard", false, 2}, params::invalidation_entry{"leaderboard", {{"limit", "5"}}},
             users, out);
  EXPECT_EQ(out, (std::vector<std::string>{"mz:todo@3:id=5", "mz:todo@9:id=5", "mz:todos@3",
                                           "mz:todos@9", "mz:leaderboard:limit=5"}));
}

TEST(CacheTags, AnonymousPurgeOfAPrivateContextTakesEveryUsersEntries) {
  std::vector<std::string> out;
  purge_tags({"todo", true, 1}, params::invalidation_entry{"todo", {{"id", "5"}}}, {}, out);
  EXPECT_EQ(out, std::vector<std::string>{"mz:todo"});
}

TEST(CacheTags, ScopedByTwoParamsPurgesByTheFirstWhichIsCoarser) {
  std::vector<std::string> out;
  purge_tags({"t", false, 2}, params::invalidation_entry{"t", {{"a", "1"}, {"b", "2"}}}, {}, out);
  EXPECT_EQ(out, std::vector<std::string>{"mz:t:a=1"});
  const pairs p{{"a", "1"}, {"b", "3"}};
  EXPECT_NE(response_tags({"t", false, 2}, p, std::nullopt).find("mz:t:a=1"), std::string::npos);
}

TEST(CacheTags, LongTagsAreHashedTheSameWayOnBothSides) {
  const std::string value(300, 'x');
  const pairs p{{"q", value}};
  const std::string tags = response_tags({"search", false, 1}, p, std::nullopt);
  std::vector<std::string> out;
  purge_tags({"search", false, 1}, params::invalidation_entry{"search", {{"q", value}}}, {}, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].rfind("mz#", 0), 0u);
  EXPECT_LE(out[0].size(), max_tag_bytes);
  EXPECT_NE(tags.find(out[0]), std::string::npos);
  for (std::size_t start = 0, end; start < tags.size(); start = end + 1) {
    end = tags.find(' ', start);
    if (end == std::string::npos) end = tags.size();
    EXPECT_LE(end - start, max_tag_bytes);
  }
}

TEST(CacheTags, ManyParamsFallBackToTheWholeContext) {
  pairs p;
  for (int i = 0; i < 40; ++i) p.emplace_back("k" + std::to_string(i), "1");
  EXPECT_EQ(response_tags({"wide", false, 40}, p, std::nullopt), "mz:wide");
  std::vector<std::string> out;
  purge_tags({"wide", false, 40}, params::invalidation_entry{"wide", {{"k1", "1"}}}, {}, out);
  EXPECT_EQ(out, std::vector<std::string>{"mz:wide"});
}

TEST(CacheTags, UserTag) {
  EXPECT_EQ(user_tag(42), "mz:@42");
}

}  // namespace
}  // namespace mizan::edge
