#include "params/invalidation.hpp"

#include "mizan/error.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <vector>

namespace json = boost::json;
using namespace mizan::params;

namespace {

invalidation_entry entry_of(std::string_view json_text) {
  return from_json(json::parse(json_text));
}

std::string bad_request_of(std::string_view json_text) {
  try {
    entry_of(json_text);
  } catch (const mizan::error& e) {
    EXPECT_EQ(e.status(), 400);
    return e.what();
  }
  return "";
}

}  // namespace

TEST(InvalidationEntry, ReadsBothJsonForms) {
  EXPECT_EQ(entry_of(R"("todos")"), (invalidation_entry{"todos", {}}));
  EXPECT_EQ(entry_of(R"({"context": "todo", "params": {"id": 5}})"),
            (invalidation_entry{"todo", {{"id", "5"}}}));
  EXPECT_EQ(entry_of(R"({"context": "todo"})"), (invalidation_entry{"todo", {}}));
  EXPECT_EQ(entry_of(R"({"params": {"q": "a b", "x": null, "b": true}, "context": "s.v-1_X"})"),
            (invalidation_entry{"s.v-1_X", {{"b", "true"}, {"q", "a%20b"}}}));
}

TEST(InvalidationEntry, RefusesMalformedJson) {
  for (const char* bad :
       {R"("")", R"("to dos")", R"("todos?id=5")", R"("caf\u00e9")", "5", "null", "[]",
        R"({"params": {"id": 5}})", R"({"context": 5})", R"({"context": "todo", "params": [5]})",
        R"({"context": "todo", "params": {"id": [5]}})",
        R"({"context": "todo", "params": {"id": {"a": 1}}})",
        R"({"context": "todo", "extra": 1})"}) {
    EXPECT_NE(bad_request_of(bad), "") << bad;
  }
}

TEST(InvalidationEntry, WritesBothJsonForms) {
  EXPECT_EQ(json::serialize(to_json({"todos", {}})), R"("todos")");
  EXPECT_EQ(json::serialize(to_json(entry_of(R"({"context": "todo", "params": {"id": 5}})"))),
            R"({"context":"todo","params":{"id":5}})");
}

// Values come back typed where the canonical text is unchanged, else as strings.
TEST(InvalidationEntry, JsonRoundTripKeepsTheCanonicalForm) {
  const char* inputs[] = {
      R"({"context":"c","params":{"a":"a b","b":true,"c":false,"d":-1.5,"e":"5","f":"01"}})",
      R"({"context":"c","params":{"g":1e21,"h":"-0","i":"true","j":123456789012345680000}})",
      R"({"context":"c","params":{"\u00e9":"\u65e5\u672c","&":"=","k":9007199254740993}})",
  };
  for (const char* input : inputs) {
    const auto entry = entry_of(input);
    EXPECT_EQ(from_json(to_json(entry)), entry) << input;
  }
  const auto typed = to_json(entry_of(inputs[0])).at("params");
  EXPECT_TRUE(typed.at("b").is_bool());
  EXPECT_TRUE(typed.at("d").is_double());
  EXPECT_TRUE(typed.at("e").is_int64());  // "5" and 5 are the same canonical value
  EXPECT_TRUE(typed.at("f").is_string());
  EXPECT_TRUE(to_json(entry_of(inputs[1])).at("params").at("h").is_string());
}

TEST(InvalidationEntry, ConvertsThroughValueFromAndValueTo) {
  const std::vector<invalidation_entry> entries = {{"todos", {}}, {"todo", {{"id", "5"}}}};
  const json::value array = json::value_from(entries);
  EXPECT_EQ(json::serialize(array), R"(["todos",{"context":"todo","params":{"id":5}}])");
  EXPECT_EQ(json::value_to<std::vector<invalidation_entry>>(array), entries);
}

TEST(InvalidateHeader, Formats) {
  const std::vector<invalidation_entry> entries = {
      {"todos", {}}, {"todo", {{"id", "5"}}}, {"search", {{"page", "2"}, {"q", "a%20b"}}}};
  EXPECT_EQ(format_invalidate_header(entries), "todos, todo?id=5, search?page=2&q=a%20b");
  EXPECT_EQ(format_invalidate_header({}), "");
}

TEST(InvalidateHeader, ParsesTheProtocolExample) {
  const std::vector<invalidation_entry> expected = {{"todos", {}}, {"todo", {{"id", "5"}}}};
  EXPECT_EQ(parse_invalidate_header("todos, todo?id=5"), expected);
  EXPECT_EQ(parse_invalidate_header("todos,todo?id=5"), expected);
  EXPECT_EQ(parse_invalidate_header("  todos ,\t todo?id=5 , "), expected);
  EXPECT_EQ(parse_invalidate_header(",,todos,,todo?id=5,"), expected);
  EXPECT_TRUE(parse_invalidate_header("").empty());
  EXPECT_TRUE(parse_invalidate_header(" , ").empty());
}

TEST(InvalidateHeader, MakesParamsCanonical) {
  const auto entries = parse_invalidate_header("s?q=a%20b&page=2, t?x=%e6%97%a5&y=a+b&z=, u?");
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0], (invalidation_entry{"s", {{"page", "2"}, {"q", "a%20b"}}}));
  EXPECT_EQ(entries[1], (invalidation_entry{"t", {{"x", "%E6%97%A5"}, {"y", "a%2Bb"}, {"z", ""}}}));
  EXPECT_EQ(entries[2], (invalidation_entry{"u", {}}));
}

TEST(InvalidateHeader, RoundTrips) {
  const std::vector<invalidation_entry> entries = {
      make_entry("todos"),
      make_entry("todo", json::parse(R"({"id": 5})").as_object()),
      make_entry("s", json::parse(R"({"\u00e9": "a b", "B": 1e21, "a": "&=,?"})").as_object()),
  };
  const std::string header = format_invalidate_header(entries);
  EXPECT_EQ(header, "todos, todo?id=5, s?B=1e%2B21&a=%26%3D%2C%3F&%C3%A9=a%20b");
  EXPECT_EQ(parse_invalidate_header(header), entries);
}

TEST(InvalidateHeader, RefusesMalformedValues) {
  for (const char* bad : {"to dos", "todos;x", "todo?id", "todo?id=%2", "todo?id=1&id=2",
                          "todo?%69d=1&id=1", "?id=5", "todo?q=%FF", "todo!"}) {
    EXPECT_THROW(parse_invalidate_header(bad), mizan::error) << bad;
  }
}

TEST(Matches, WholeContextMatchesEveryInstance) {
  const invalidation_entry entry{"todos", {}};
  EXPECT_TRUE(matches(entry, "todos", ""));
  EXPECT_TRUE(matches(entry, "todos", "page=2"));
  EXPECT_FALSE(matches(entry, "todo", ""));
  EXPECT_FALSE(matches(entry, "todos2", ""));
}

TEST(Matches, ScopedEntryNeedsEveryKeyWithAnEqualValue) {
  const invalidation_entry entry{"todo", {{"id", "5"}}};
  EXPECT_TRUE(matches(entry, "todo", "id=5"));
  EXPECT_TRUE(matches(entry, "todo", "expand=true&id=5&z=1"));
  EXPECT_FALSE(matches(entry, "todo", "id=50"));
  EXPECT_FALSE(matches(entry, "todo", "id=-5"));
  EXPECT_FALSE(matches(entry, "todo", "xid=5"));
  EXPECT_FALSE(matches(entry, "todo", "i=d=5"));
  EXPECT_FALSE(matches(entry, "todo", ""));
  EXPECT_FALSE(matches(entry, "todos", "id=5"));

  const invalidation_entry two{"s", {{"a", "1"}, {"b", "x%20y"}}};
  EXPECT_TRUE(matches(two, "s", "a=1&b=x%20y"));
  EXPECT_TRUE(matches(two, "s", "a=1&b=x%20y&c=2"));
  EXPECT_FALSE(matches(two, "s", "a=1"));
  EXPECT_FALSE(matches(two, "s", "a=1&b=x"));
}

// Canonical values compare as text: 5, 5.0 and "5" are one instance, as in the client.
TEST(Matches, ComparesCanonicalValues) {
  const auto entry = make_entry("todo", json::parse(R"({"id": 5.0})").as_object());
  EXPECT_TRUE(matches(entry, "todo", "id=5"));
  const std::vector<canonical_pair> pairs = {{"id", "5"}, {"q", "a%20b"}};
  EXPECT_TRUE(matches(entry, "todo", pairs));
  EXPECT_FALSE(matches(entry, "todo", std::span<const canonical_pair>(pairs).subspan(1)));
  EXPECT_TRUE(matches(invalidation_entry{"todo", {}}, "todo", std::span<const canonical_pair>()));
}

TEST(ContextName, FollowsTheProtocolPattern) {
  EXPECT_TRUE(is_valid_context_name("todos"));
  EXPECT_TRUE(is_valid_context_name("A-z_0.9"));
  EXPECT_FALSE(is_valid_context_name(""));
  EXPECT_FALSE(is_valid_context_name("a b"));
  EXPECT_FALSE(is_valid_context_name("a/b"));
  EXPECT_FALSE(is_valid_context_name("caf\xC3\xA9"));
}
