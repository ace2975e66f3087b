// encode_json must give byte for byte what Boost.JSON's DOM would: ETags and
// cached bodies depend on it, and the generated clients parse it.
#include "mizan/detail/encode.hpp"

#include <gtest/gtest.h>
#include <boost/describe.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

enum class color { red, green };
BOOST_DESCRIBE_ENUM(color, red, green)

struct item {
  std::int64_t id = 0;
  std::string name;
  bool done = false;
  double score = 0;
  std::optional<std::int32_t> rank;
  std::vector<std::string> tags;
  std::map<std::string, std::int64_t> counts;
  std::unordered_map<std::string, bool> flags;
  color tint = color::red;
  boost::json::value extra;
  std::uint64_t big = 0;
};
BOOST_DESCRIBE_STRUCT(item, (),
                      (id, name, done, score, rank, tags, counts, flags, tint, extra, big))

template <class T>
void expect_same(const T& v) {
  std::string direct;
  mizan::detail::encode_json(direct, v);
  EXPECT_EQ(direct, boost::json::serialize(boost::json::value_from(v)));
}

TEST(EncodeJson, EveryKindMatchesBoostJson) {
  item a;
  a.id = -42;
  a.name = "caf\xc3\xa9 \"quoted\" back\\slash \x01\x1f\x7f/\b\f\n\r\t";
  a.done = true;
  a.score = 0.1;
  a.rank = 7;
  a.tags = {"", "x", "\xff\xfe not UTF-8"};
  a.counts = {{"b", 2}, {"a", std::numeric_limits<std::int64_t>::min()}};
  a.flags = {{"on", true}, {"off", false}};
  a.tint = color::green;
  a.extra = boost::json::parse(R"({"k":[1,2.5,"s",null,true,{}]})");
  a.big = std::numeric_limits<std::uint64_t>::max();
  expect_same(a);
  expect_same(std::vector<item>{a, item{}});
  expect_same(std::optional<item>{});
  expect_same(static_cast<color>(9));  // unnamed: its number
  expect_same(std::vector<std::optional<double>>{std::nullopt, 1.0});
  expect_same(std::vector<bool>{true, false, true});
  expect_same(std::vector<std::int8_t>{-128, 0, 127});
  expect_same(std::vector<std::uint16_t>{0, 65535});
  expect_same(std::map<std::string, std::vector<std::string>>{{"k\"ey", {"a", "b"}}, {"", {}}});
  expect_same(std::vector<float>{0.1f, -2.5f});
}

TEST(EncodeJson, DoublesMatchBoostJson) {
  for (double d : {0.0, -0.0, 1.0, -1.5, 0.1, 1e21, 1e-7, 123456789.125, 5e-324,
                   1.7976931348623157e308, std::numeric_limits<double>::infinity(),
                   -std::numeric_limits<double>::infinity(), std::nan("")}) {
    expect_same(d);
  }
  std::mt19937_64 rng(12345);
  for (int i = 0; i < 2000; ++i) {
    std::uint64_t bits = rng();
    double d;
    std::memcpy(&d, &bits, sizeof d);
    expect_same(d);
  }
}

TEST(EncodeJson, EveryByteInStringsMatchesBoostJson) {
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  expect_same(all);
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> byte(0, 255), length(0, 40);
  for (int i = 0; i < 2000; ++i) {
    std::string s(static_cast<std::size_t>(length(rng)), '\0');
    for (auto& ch : s) ch = static_cast<char>(byte(rng));
    expect_same(s);
  }
}

// The eight-bytes-at-a-time scan: one special byte at every offset of
// strings of every length around the word size.
TEST(EncodeJson, OneSpecialByteAtEveryOffsetMatchesBoostJson) {
  for (const char special : {'"', '\\', '\x00', '\x01', '\x1f', ' ', '\x7f', '\x80', '\xff'}) {
    for (std::size_t length = 1; length <= 33; ++length) {
      for (std::size_t at = 0; at < length; ++at) {
        std::string s(length, 'a');
        s[at] = special;
        expect_same(s);
      }
    }
  }
}

}  // namespace
