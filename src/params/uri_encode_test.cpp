#include "params/uri_encode.hpp"
#include "params/utf8.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace mizan::params;
using namespace std::string_literals;

// Expected values from Node 20:
// node -e 'console.log(encodeURIComponent("&=+?#/"))'  ->  %26%3D%2B%3F%23%2F
TEST(EncodeUriComponent, MatchesJavaScript) {
  const std::pair<std::string, std::string> cases[] = {
      {"a b", "a%20b"},
      {"!'()*~", "!'()*~"},
      {"&=+?#/", "%26%3D%2B%3F%23%2F"},
      {"\xC3\xA9", "%C3%A9"},                              // é
      {"\xE6\x97\xA5\xE6\x9C\xAC", "%E6%97%A5%E6%9C%AC"},  // 日本
      {"\xF0\x9F\x98\x80", "%F0%9F%98%80"},                // 😀
      {"%", "%25"},
      {"-_.", "-_."},
      {"AZaz09", "AZaz09"},
      {":;,@$", "%3A%3B%2C%40%24"},
      {"\0\n\t"s, "%00%0A%09"},
      {"[]{}|\\^`\"<>", "%5B%5D%7B%7D%7C%5C%5E%60%22%3C%3E"},
      {"\xEF\xBF\xBF", "%EF%BF%BF"},  // U+FFFF
      {"", ""},
  };
  for (const auto& [input, expected] : cases) EXPECT_EQ(encode_uri_component(input), expected);
}

TEST(EncodeUriComponent, AppendsToExistingText) {
  std::string out = "q=";
  append_uri_component(out, "a&b");
  EXPECT_EQ(out, "q=a%26b");
}

TEST(PercentDecode, DecodesEscapesInEitherCase) {
  EXPECT_EQ(percent_decode("a%20b%c3%A9", false), "a b\xC3\xA9");
  EXPECT_EQ(percent_decode("%00", false), "\0"s);
  EXPECT_EQ(percent_decode("", false), "");
}

TEST(PercentDecode, PlusIsSpaceOnlyWhenAsked) {
  EXPECT_EQ(percent_decode("a+b%2B", true), "a b+");
  EXPECT_EQ(percent_decode("a+b%2B", false), "a+b+");
}

TEST(PercentDecode, RefusesMalformedEscapes) {
  for (const char* text : {"%", "%2", "a%2", "%G0", "%0G", "%%20", "abc%", "%-1", "% 20"}) {
    EXPECT_EQ(percent_decode(text, true), std::nullopt) << text;
  }
}

TEST(PercentDecode, InvertsEncoding) {
  std::string all_bytes;
  for (int c = 0; c < 256; ++c) all_bytes += static_cast<char>(c);
  EXPECT_EQ(percent_decode(encode_uri_component(all_bytes), false), all_bytes);
}

TEST(Utf8, AcceptsWellFormedText) {
  for (const std::string& text :
       {""s, "plain ascii text longer than eight bytes"s, "\0"s, "\xC3\xA9"s, "\xDF\xBF"s,
        "\xE0\xA0\x80"s, "\xED\x9F\xBF"s, "\xEE\x80\x80"s, "\xEF\xBF\xBF"s, "\xF0\x90\x80\x80"s,
        "\xF4\x8F\xBF\xBF"s, "caf\xC3\xA9 \xF0\x9F\x98\x80 \xE6\x97\xA5\xE6\x9C\xAC"s}) {
    EXPECT_TRUE(is_valid_utf8(text)) << encode_uri_component(text);
  }
}

// Unicode 15, table 3-7, and its classic counter-examples.
TEST(Utf8, RefusesMalformedText) {
  for (const std::string& text : {
           "\x80"s,              // lone continuation
           "\xC0\xAF"s,          // overlong '/'
           "\xC1\xBF"s,          // overlong
           "\xE0\x80\xAF"s,      // overlong
           "\xE0\x9F\xBF"s,      // overlong (below U+0800)
           "\xED\xA0\x80"s,      // U+D800, a surrogate
           "\xED\xBF\xBF"s,      // U+DFFF
           "\xF0\x8F\xBF\xBF"s,  // overlong (below U+10000)
           "\xF4\x90\x80\x80"s,  // above U+10FFFF
           "\xF5\x80\x80\x80"s, "\xFF"s,
           "\xC3"s,                  // truncated
           "\xE6\x97"s,              // truncated
           "\xF0\x9F\x98"s,          // truncated
           "\xC3\x28"s,              // bad continuation
           "abcdefgh\xE6\x97\x41"s,  // bad continuation after the ASCII fast path
           "abcdefghijklmnop\xC3"s,  // truncated at the end of a long text
       }) {
    EXPECT_FALSE(is_valid_utf8(text)) << encode_uri_component(text);
  }
}
