#include "edge/edge_rules.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <regex>

namespace mizan::edge {
namespace {

boost::json::value manifest(std::string_view contexts) {
  return boost::json::parse(
      std::string(R"({"mizan_manifest":1,"prefix":"/api/mizan","contexts":)") +
      std::string(contexts) + R"(,"mwt":{"cookie":"mizan_mwt"}})");
}

const char* const leaderboard = R"([{"name":"leaderboard","path":"/api/mizan/ctx/leaderboard/",
  "params":[{"name":"min_done","type":"int"},{"name":"limit","type":"int"},
            {"name":"q","type":"str"},{"name":"on","type":"bool"},{"name":"x","type":"float"}],
  "ttl":5,"private":false,"auth":"none","rev":2}])";

// How both edges use the pattern: `&` + the query, or "" for none.
bool canonical(const context_rule& r, std::string_view query) {
  const std::string subject = query.empty() ? "" : "&" + std::string(query);
  return std::regex_match(subject, std::regex(r.canonical_query, std::regex::ECMAScript));
}

TEST(EdgeRules, ReadsTheManifestSortedByName) {
  const auto rules = rules_from_manifest(manifest(leaderboard));
  ASSERT_EQ(rules.contexts.size(), 1u);
  const auto& r = rules.contexts[0];
  EXPECT_TRUE(r.cacheable);
  EXPECT_EQ(r.ttl, 5);
  EXPECT_EQ(r.rev, 2);
  EXPECT_EQ(rules.mwt_cookie, "mizan_mwt");
  ASSERT_EQ(r.params.size(), 5u);
  EXPECT_EQ(r.params[0].name, "limit");
  EXPECT_EQ(r.params[1].name, "min_done");
}

TEST(EdgeRules, CanonicalQueriesMatchAndOtherSpellingsDoNot) {
  const auto r = rules_from_manifest(manifest(leaderboard)).contexts[0];
  for (const char* ok :
       {"", "limit=5", "limit=5&min_done=0", "limit=-3", "q=a%20b", "q=", "on=true", "x=0.5",
        "limit=1&min_done=2&on=false&q=%C3%A9&x=-2", "q=a-b_c.d!e~f*g'h(i)j"}) {
    EXPECT_TRUE(canonical(r, ok)) << ok;
  }
  for (const char* junk : {"utm_source=x",
                           "limit=5&utm_source=x",
                           "min_done=0&limit=5",
                           "limit=05",
                           "limit=%35",
                           "limit=5&limit=6",
                           "q=a+b",
                           "q=a b",
                           "q=%c3%a9",
                           "q=%41",
                           "q=%2D",
                           "on=1",
                           "on=True",
                           "limit=",
                           "x=1.50",
                           "x=.5",
                           "limit=5&",
                           "&limit=5",
                           "LIMIT=5",
                           "limit"}) {
    EXPECT_FALSE(canonical(r, junk)) << junk;
  }
}

TEST(EdgeRules, GuardsAnEdgeCannotCheckAreNotCacheable) {
  const auto rules = rules_from_manifest(manifest(R"([
    {"name":"a","path":"/a/","params":[],"ttl":5,"private":false,"auth":"user","rev":0},
    {"name":"b","path":"/b/","params":[],"ttl":5,"private":true,"auth":"user","rev":0},
    {"name":"c","path":"/c/","params":[],"ttl":5,"private":true,"auth":"staff","rev":0},
    {"name":"d","path":"/d/","params":[],"ttl":null,"private":false,"auth":"none","rev":0},
    {"name":"e","path":"/e/","params":[],"ttl":5,"private":false,"auth":"predicate","rev":0},
    {"name":"f","path":"/f/","params":[],"ttl":5,"private":false,"rev":0}])"));
  std::string kept;
  for (const auto& c : rules.contexts) kept += c.cacheable ? c.name : "";
  EXPECT_EQ(kept, "b");  // an older manifest without `auth` is not trusted
}

TEST(EdgeRules, MalformedManifestsAreRefusedByName) {
  EXPECT_THROW(rules_from_manifest(boost::json::parse("[]")), std::invalid_argument);
  EXPECT_THROW(rules_from_manifest(boost::json::parse(R"({"mizan_manifest":2})")),
               std::invalid_argument);
  EXPECT_THROW(rules_from_manifest(manifest(R"([{"name":"a\"}","path":"/","params":[],
    "ttl":1,"private":false,"rev":0}])")),
               std::invalid_argument);
  EXPECT_THROW(rules_from_manifest(manifest(R"([{"name":"a","path":"/","params":[
    {"name":"x","type":"list"}],"ttl":1,"private":false,"rev":0}])")),
               std::invalid_argument);
}

}  // namespace
}  // namespace mizan::edge
