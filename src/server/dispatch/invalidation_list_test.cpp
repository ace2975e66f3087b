#include "server/dispatch/invalidation_list.hpp"

#include "mizan/error.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace mizan::server {
namespace {

detail::function_def mutation(std::vector<std::string> whole, std::vector<std::string> scoped) {
  detail::function_def f;
  f.name = "edit";
  for (auto& c : whole) f.affects.push_back({c, nullptr});
  for (auto& c : scoped) {
    f.affects.push_back({c, [](const void*, const void*) { return boost::json::object{}; }});
  }
  return f;
}

boost::json::object object(std::string_view json) {
  return boost::json::parse(json).as_object();
}

TEST(InvalidationList, WholeContextsThenScopedThenPrivateOnes) {
  auto f = mutation({"todos"}, {"todo"});
  f.affects_private_contexts = true;
  const std::vector<boost::json::object> scopes{object(R"({"id":5})")};
  const std::vector<std::string> private_contexts{"me", "todos"};
  const auto list = affected_by(f, scopes, private_contexts);
  EXPECT_EQ(list.json, R"(["todos",{"context":"todo","params":{"id":5}},"me","todos"])");
  ASSERT_EQ(list.entries.size(), 4u);
  EXPECT_EQ(list.entries[1].context, "todo");
  EXPECT_EQ(list.entries[1].params, (std::vector<params::canonical_pair>{{"id", "5"}}));
}

TEST(InvalidationList, JsonKeepsTheGivenValuesInCanonicalOrder) {
  // Regression: values went JSON → canonical text → JSON, so the string "5"
  // came back as the number 5.
  const auto f = mutation({}, {"todo"});
  const std::vector<boost::json::object> scopes{
      object(R"({"z":"5","a":5.0,"m":true,"n":null,"q":"a b"})")};
  const auto list = affected_by(f, scopes, {});
  EXPECT_EQ(list.json, R"([{"context":"todo","params":{"a":5,"m":true,"q":"a b","z":"5"}}])");
  EXPECT_EQ(params::join_canonical(list.entries[0].params), "a=5&m=true&q=a%20b&z=5");
}

TEST(InvalidationList, AScopeOfNullsIsTheWholeContext) {
  const auto f = mutation({}, {"todo"});
  const std::vector<boost::json::object> scopes{object(R"({"id":null})")};
  const auto list = affected_by(f, scopes, {});
  EXPECT_EQ(list.json, R"(["todo"])");
  EXPECT_TRUE(list.entries[0].params.empty());
}

TEST(InvalidationList, NothingAffectedIsAnEmptyArray) {
  const auto list = affected_by(mutation({}, {}), {}, {});
  EXPECT_EQ(list.json, "[]");
  EXPECT_TRUE(list.entries.empty());
}

TEST(InvalidationList, ANonScalarScopeIsABadRequest) {
  const auto f = mutation({}, {"todo"});
  const std::vector<boost::json::object> scopes{object(R"({"id":[1]})")};
  EXPECT_THROW(affected_by(f, scopes, {}), mizan::error);
}

}  // namespace
}  // namespace mizan::server
