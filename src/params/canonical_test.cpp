#include "params/canonical.hpp"

#include "mizan/error.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <limits>

namespace json = boost::json;
using namespace mizan::params;

namespace {

json::object object_of(std::string_view text) {
  return json::parse(text).as_object();
}

// The status and message of the mizan::error that `f` throws.
template <class F>
std::pair<int, std::string> error_of(F&& f) {
  try {
    f();
  } catch (const mizan::error& e) {
    return {e.status(), e.what()};
  }
  return {0, ""};
}

}  // namespace

TEST(CanonicalParams, ProtocolExample) {
  EXPECT_EQ(canonical_params(object_of(R"({"q": "a b", "id": 5, "done": true, "x": null})")),
            "done=true&id=5&q=a%20b");
}

TEST(CanonicalParams, EmptyAndAllNullAreEmpty) {
  EXPECT_EQ(canonical_params({}), "");
  EXPECT_EQ(canonical_params(object_of(R"({"a": null, "b": null})")), "");
}

// UTF-8 byte order, not insertion order and not UTF-16 order:
// U+FF61 is EF BD A1 in UTF-8 and sorts before U+1F600 (F0 9F 98 80).
TEST(CanonicalParams, SortsKeysByUtf8Bytes) {
  EXPECT_EQ(canonical_params(object_of(R"({"b": 1, "a": 2, "B": 3, "\u00e9": 4, "Z": 5})")),
            "B=3&Z=5&a=2&b=1&%C3%A9=4");
  EXPECT_EQ(canonical_params(object_of(R"({"\ud83d\ude00": 1, "\uff61": 2})")),
            "%EF%BD%A1=2&%F0%9F%98%80=1");
}

TEST(CanonicalParams, WritesNumbersAsJavaScript) {
  EXPECT_EQ(canonical_params(object_of(R"({"a": 5.0, "b": 0.1, "c": 1e21, "d": -0.0, "e": -7})")),
            "a=5&b=0.1&c=1e%2B21&d=0&e=-7");
}

// JavaScript holds only doubles: node -e 'console.log(String(9007199254740993))'
// prints 9007199254740992, and 2^64-1 prints 18446744073709552000.
TEST(CanonicalParams, WritesHugeIntegersAsTheDoubleJavaScriptSees) {
  json::object params;
  params["a"] = std::int64_t{9007199254740992};
  params["b"] = std::int64_t{9007199254740993};
  params["c"] = std::numeric_limits<std::uint64_t>::max();
  params["d"] = std::numeric_limits<std::int64_t>::min();
  params["e"] = std::int64_t{-9007199254740993};
  EXPECT_EQ(canonical_params(params),
            "a=9007199254740992&b=9007199254740992&c=18446744073709552000&"
            "d=-9223372036854776000&e=-9007199254740992");
}

TEST(CanonicalParams, EncodesKeysAndValues) {
  EXPECT_EQ(canonical_params(object_of(R"({"a&b": "c=d", "sp ace": "x+y/z"})")),
            "a%26b=c%3Dd&sp%20ace=x%2By%2Fz");
}

TEST(CanonicalParams, RefusesArraysObjectsAndNonFiniteNumbers) {
  const auto [status, message] = error_of([] { canonical_params(object_of(R"({"ids": [1]})")); });
  EXPECT_EQ(status, 400);
  EXPECT_EQ(message, "Param \"ids\" must be a string, number, boolean or null.");
  EXPECT_EQ(error_of([] { canonical_params(object_of(R"({"o": {}})")); }).first, 400);
  json::object infinite{{"x", std::numeric_limits<double>::infinity()}};
  EXPECT_EQ(error_of([&] { canonical_params(infinite); }).second, "Param \"x\" must be finite.");
  json::object nan{{"x", std::numeric_limits<double>::quiet_NaN()}};
  EXPECT_EQ(error_of([&] { canonical_params(nan); }).first, 400);
}

TEST(CanonicalParams, RefusesInvalidUtf8BuiltInCode) {
  json::object value{{"q", "\xC3"}};
  EXPECT_EQ(error_of([&] { canonical_params(value); }).second, "Param \"q\" is not valid UTF-8.");
  json::object key{{"\xFF", 1}};
  EXPECT_EQ(error_of([&] { canonical_params(key); }).first, 400);
}

TEST(CanonicalParams, LongKeysAreCutInMessagesAtACharacterBoundary) {
  std::string key(63, 'k');
  key += "\xC3\xA9\xC3\xA9";  // é straddles byte 64
  const json::object params{{key, json::array{}}};
  EXPECT_EQ(error_of([&] { canonical_params(params); }).second,
            "Param \"" + std::string(63, 'k') + "...\" must be a string, number, boolean or null.");
}

TEST(CanonicalParams, PairsMatchTheString) {
  const auto pairs = canonical_pairs(object_of(R"({"q": "a b", "id": 5, "x": null})"));
  ASSERT_EQ(pairs.size(), 2u);
  EXPECT_EQ(pairs[0], canonical_pair("id", "5"));
  EXPECT_EQ(pairs[1], canonical_pair("q", "a%20b"));
  EXPECT_EQ(join_canonical(pairs), "id=5&q=a%20b");
  EXPECT_EQ(join_canonical({}), "");
}

TEST(CanonicalParams, ManyParamsSortBeyondTheInlineBuffer) {
  json::object params;
  std::string expected;
  for (int i = 0; i < 40; ++i) params[std::to_string(39 - i)] = i;
  // "0" < "1" < "10" < ... in byte order.
  std::vector<std::string> keys;
  for (int i = 0; i < 40; ++i) keys.push_back(std::to_string(i));
  std::sort(keys.begin(), keys.end());
  for (const auto& key : keys) {
    if (!expected.empty()) expected += '&';
    expected += key + "=" + std::to_string(39 - std::stoi(key));
  }
  EXPECT_EQ(canonical_params(params), expected);
}

TEST(ParamValue, TextAndJson) {
  std::string out;
  append_value_text(out, param_value(std::string("a b")));
  append_value_text(out, param_value(std::int64_t{-3}));
  append_value_text(out, param_value(1e21));
  append_value_text(out, param_value(false));
  EXPECT_EQ(out, "a b-31e+21false");
  EXPECT_EQ(to_json(param_value(std::int64_t{5})), json::value(5));
  EXPECT_TRUE(to_json(param_value(0.5)).is_double());
  EXPECT_EQ(type_name(param_type::integer), "integer");
}
