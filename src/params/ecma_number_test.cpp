#include "params/ecma_number.hpp"

#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>

using mizan::params::ecma_number_to_string;

namespace {

double parse(const char* text) {
  double value = 0;
  std::from_chars(text, text + std::strlen(text), value);
  return value;
}

}  // namespace

// Expected values from Node 20, e.g.
// node -e 'console.log(String(JSON.parse("123e-20")))'  ->  1.23e-18
TEST(EcmaNumber, MatchesJavaScript) {
  const std::pair<const char*, const char*> cases[] = {
      {"0", "0"},
      {"5.0", "5"},
      {"0.1", "0.1"},
      {"0.30000000000000004", "0.30000000000000004"},
      {"1e21", "1e+21"},
      {"1e-7", "1e-7"},
      {"123e-20", "1.23e-18"},
      {"1.7976931348623157e308", "1.7976931348623157e+308"},
      {"5e-324", "5e-324"},
      {"9007199254740992", "9007199254740992"},
      {"9007199254740994", "9007199254740994"},
      {"-1.5", "-1.5"},
      {"100", "100"},
      {"1e20", "100000000000000000000"},
      {"123456789012345680000", "123456789012345680000"},
      {"1e-6", "0.000001"},
      {"0.000001234", "0.000001234"},
      {"999999999999999900000", "999999999999999900000"},
      {"1.5e-7", "1.5e-7"},
      {"-1e-7", "-1e-7"},
      {"1e100", "1e+100"},
      {"12345.6789", "12345.6789"},
      {"2.2250738585072014e-308", "2.2250738585072014e-308"},
      {"4.35", "4.35"},
      {"0.1e1", "1"},
      {"-123456789e-30", "-1.23456789e-22"},
      {"1.2345678901234567e-6", "0.0000012345678901234567"},
      {"5e-7", "5e-7"},
      {"25e-1", "2.5"},
  };
  for (const auto& [input, expected] : cases) {
    EXPECT_EQ(ecma_number_to_string(parse(input)), expected) << input;
  }
}

TEST(EcmaNumber, NegativeZeroIsZero) {
  EXPECT_EQ(ecma_number_to_string(-0.0), "0");
}

TEST(EcmaNumber, LongestOutputsFitTheDeclaredBuffer) {
  const double longest[] = {-1.2345678901234567e-6, -1.7976931348623157e308,
                            -2.2250738585072014e-308, -123456789012345680000.0};
  for (const double value : longest) {
    EXPECT_LE(ecma_number_to_string(value).size(), 25u) << value;
  }
}

// Whatever the layout, the text must read back as the very same double.
TEST(EcmaNumber, RoundTripsRandomDoubles) {
  std::mt19937_64 random(20240501);
  for (int i = 0; i < 200000; ++i) {
    const std::uint64_t bits = random();
    double value;
    std::memcpy(&value, &bits, sizeof value);
    if (!std::isfinite(value)) continue;
    const std::string text = ecma_number_to_string(value);
    double back = 0;
    const auto result = std::from_chars(text.data(), text.data() + text.size(), back);
    ASSERT_EQ(result.ec, std::errc{}) << text;
    ASSERT_EQ(result.ptr, text.data() + text.size()) << text;
    ASSERT_EQ(back, value) << text;
  }
}
