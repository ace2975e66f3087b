#include "params/query.hpp"

#include "mizan/error.hpp"

#include <gtest/gtest.h>
#include <boost/json/serialize.hpp>

#include <vector>

namespace json = boost::json;
using namespace mizan::params;

namespace {

const std::vector<param_spec> schema = {
    {"q", param_type::string},
    {"id", param_type::integer},
    {"done", param_type::boolean},
    {"price", param_type::number},
    {"limit", param_type::integer, 1, 100},
    {"caf\xC3\xA9", param_type::string},
};

std::string canonical_of(std::string_view query) {
  return parse_query(query, schema).canonical;
}

// The message of the bad_request that parsing `query` raises, or "" when it parses.
std::string refusal(std::string_view query) {
  try {
    parse_query(query, schema);
  } catch (const mizan::error& e) {
    EXPECT_EQ(e.status(), 400);
    return e.what();
  }
  return "";
}

}  // namespace

TEST(ParseQuery, CoercesAndSortsParams) {
  const auto parsed = parse_query("q=a+b&id=5&done=true&price=1.50", schema);
  EXPECT_EQ(json::serialize(parsed.params), R"({"done":true,"id":5,"price":1.5E0,"q":"a b"})");
  EXPECT_TRUE(parsed.params.at("id").is_int64());
  EXPECT_TRUE(parsed.params.at("price").is_double());
  EXPECT_EQ(parsed.canonical, "done=true&id=5&price=1.5&q=a%20b");
}

TEST(ParseQuery, EmptyQueryAndEmptyPairs) {
  EXPECT_EQ(canonical_of(""), "");
  EXPECT_TRUE(parse_query("", schema).params.empty());
  EXPECT_EQ(canonical_of("&&id=1&&"), "id=1");
}

TEST(ParseQuery, DecodesKeysAndValues) {
  EXPECT_EQ(canonical_of("%71=%26%3D%2B"), "q=%26%3D%2B");
  EXPECT_EQ(canonical_of("q=a%2Bb+c"), "q=a%2Bb%20c");
  EXPECT_EQ(canonical_of("caf%C3%A9=%E6%97%A5"), "caf%C3%A9=%E6%97%A5");
  EXPECT_EQ(canonical_of("q=x=y"), "q=x%3Dy");  // only the first '=' separates
}

TEST(ParseQuery, EmptyValuesOnlyForStrings) {
  EXPECT_EQ(canonical_of("q="), "q=");
  EXPECT_EQ(canonical_of("q"), "q=");
  EXPECT_EQ(refusal("id="),
            "Param \"id\" must be an integer from -9007199254740991 to "
            "9007199254740991.");
  EXPECT_EQ(refusal("done"), "Param \"done\" must be true or false.");
  EXPECT_EQ(refusal("price="), "Param \"price\" must be a finite number.");
}

TEST(ParseQuery, Integers) {
  EXPECT_EQ(canonical_of("id=0"), "id=0");
  EXPECT_EQ(canonical_of("id=-42"), "id=-42");
  EXPECT_EQ(canonical_of("id=9007199254740991"), "id=9007199254740991");
  EXPECT_EQ(canonical_of("id=-9007199254740991"), "id=-9007199254740991");
  for (const char* bad :
       {"id=-0", "id=01", "id=+1", "id=1.0", "id=1e3", "id=%201", "id=1+", "id=9007199254740992",
        "id=-9007199254740992", "id=99999999999999999999", "id=-", "id=0x10", "id=%EF%BC%91"}) {
    EXPECT_NE(refusal(bad), "") << bad;
  }
}

TEST(ParseQuery, IntegerBounds) {
  EXPECT_EQ(canonical_of("limit=1"), "limit=1");
  EXPECT_EQ(canonical_of("limit=100"), "limit=100");
  EXPECT_EQ(refusal("limit=0"), "Param \"limit\" must be an integer from 1 to 100.");
  EXPECT_NE(refusal("limit=101"), "");
}

// Declared bounds beyond JavaScript's safe integers are narrowed: 2^53 + 1 would
// otherwise share a canonical form (and a cache entry) with 2^53 in a client.
TEST(ParseQuery, BoundsStayWithinSafeIntegers) {
  const std::vector<param_spec> wide = {{"n", param_type::integer, INT64_MIN, INT64_MAX}};
  EXPECT_EQ(parse_query("n=9007199254740991", wide).canonical, "n=9007199254740991");
  EXPECT_THROW(parse_query("n=9007199254740993", wide), mizan::error);
}

TEST(ParseQuery, Numbers) {
  EXPECT_EQ(canonical_of("price=5"), "price=5");
  EXPECT_EQ(canonical_of("price=5.0"), "price=5");
  EXPECT_EQ(canonical_of("price=-0"), "price=0");
  EXPECT_EQ(canonical_of("price=0.1"), "price=0.1");
  EXPECT_EQ(canonical_of("price=1e21"), "price=1e%2B21");
  EXPECT_EQ(canonical_of("price=1E%2B21"), "price=1e%2B21");
  EXPECT_EQ(canonical_of("price=123e-20"), "price=1.23e-18");
  EXPECT_EQ(canonical_of("price=123456789012345680000"), "price=123456789012345680000");
  EXPECT_EQ(canonical_of("price=1.7976931348623157e308"), "price=1.7976931348623157e%2B308");
  // Underflow is finite, and JavaScript reads it as zero: Number("1e-400") === 0.
  EXPECT_EQ(canonical_of("price=1e-400"), "price=0");
  EXPECT_EQ(canonical_of("price=-0.0000001e-999999999999"), "price=0");
  EXPECT_EQ(canonical_of("price=10000000000e-10000000000000000000"), "price=0");
  // The mantissa's own digits count: 1 and 400 zeros is 1e400 even with e-10.
  EXPECT_EQ(refusal("price=1" + std::string(400, '0') + "e-10"),
            "Param \"price\" must be a finite number.");
  EXPECT_EQ(canonical_of("price=1" + std::string(400, '0') + "e-100"), "price=1e%2B300");
  EXPECT_EQ(canonical_of("price=0." + std::string(400, '0') + "1e400"), "price=0.1");
  for (const char* bad :
       {"price=1e400", "price=1.8e308", "price=Infinity", "price=NaN", "price=inf", "price=.5",
        "price=5.", "price=01", "price=+1", "price=1e", "price=1e+", "price=0x1p3", "price=1%2C5",
        "price=1_000", "price=-", "price= 1"}) {
    EXPECT_EQ(refusal(bad), "Param \"price\" must be a finite number.") << bad;
  }
  // Large exponents that still end finite are fine.
  EXPECT_EQ(canonical_of("price=0.000001e308"), "price=1e%2B302");
}

TEST(ParseQuery, Booleans) {
  EXPECT_EQ(canonical_of("done=false"), "done=false");
  EXPECT_EQ(canonical_of("done=%74rue"), "done=true");
  for (const char* bad : {"done=True", "done=1", "done=yes", "done=true+", "done=TRUE"}) {
    EXPECT_EQ(refusal(bad), "Param \"done\" must be true or false.") << bad;
  }
}

TEST(ParseQuery, RefusesUnknownKeys) {
  EXPECT_EQ(refusal("x=1"), "Param \"x\" is not declared by this context.");
  EXPECT_EQ(refusal("ID=1"), "Param \"ID\" is not declared by this context.");
  EXPECT_EQ(refusal("q=1&id=2&evil=3"), "Param \"evil\" is not declared by this context.");
  EXPECT_EQ(refusal("%FF=1"), "A param name is not valid UTF-8.");
}

TEST(ParseQuery, RefusesRepeatedKeysHoweverSpelled) {
  EXPECT_EQ(refusal("id=1&id=1"), "Param \"id\" is repeated.");
  EXPECT_EQ(refusal("q=a&%71=b"), "Param \"q\" is repeated.");
  EXPECT_EQ(refusal("q&q"), "Param \"q\" is repeated.");
}

TEST(ParseQuery, RefusesMalformedEscapes) {
  EXPECT_EQ(refusal("q=%"), "Param \"q\" has a malformed percent escape.");
  EXPECT_EQ(refusal("q=%2"), "Param \"q\" has a malformed percent escape.");
  EXPECT_EQ(refusal("q=%zz"), "Param \"q\" has a malformed percent escape.");
  EXPECT_EQ(refusal("%q=1"), "A param name has a malformed percent escape.");
}

TEST(ParseQuery, RefusesInvalidUtf8Strings) {
  EXPECT_EQ(refusal("q=%C3"), "Param \"q\" is not valid UTF-8.");
  EXPECT_EQ(refusal("q=%ED%A0%80"), "Param \"q\" is not valid UTF-8.");  // a surrogate
  EXPECT_EQ(refusal("q=%C0%AF"), "Param \"q\" is not valid UTF-8.");     // overlong '/'
  EXPECT_EQ(canonical_of("q=%00"), "q=%00");                             // NUL is valid UTF-8
}

// A raw '&' or '=' cannot be smuggled into a key or a value.
TEST(ParseQuery, SeparatorsOnlySeparate) {
  EXPECT_EQ(refusal("q=a&b"), "Param \"b\" is not declared by this context.");
  EXPECT_EQ(canonical_of("q=a%26id%3D5"), "q=a%26id%3D5");
}

TEST(ParseQuery, LargeSchemas) {
  std::vector<param_spec> many;
  std::string query;
  for (int i = 0; i < 40; ++i) {
    many.push_back({"p" + std::to_string(i), param_type::integer});
    query += (i ? "&p" : "p") + std::to_string(39 - i) + "=" + std::to_string(i);
  }
  const auto parsed = parse_query(query, many);
  EXPECT_EQ(parsed.params.size(), 40u);
  EXPECT_TRUE(parsed.canonical.starts_with("p0=39&p1=38&p10=29&"));
  EXPECT_THROW(parse_query(query + "&p7=1", many), mizan::error);
}
