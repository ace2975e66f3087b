// The cross-language vectors of tests/vectors/canonical_params.json, computed by
// JavaScript (tests/vectors/generate.mjs), checked against the C++ side.
#include "params/canonical.hpp"
#include "params/coerce.hpp"
#include "params/ecma_number.hpp"
#include "params/query.hpp"
#include "params/uri_encode.hpp"

#include <gtest/gtest.h>
#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_stack.hpp>

#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace json = boost::json;
using namespace mizan::params;

namespace {

// Boost.JSON 1.81 rounds some doubles wrongly (123456789012345680000 reads as
// 123456789012345670000), so the vectors are read with doubles re-parsed from
// their text by std::from_chars, as JSON.parse reads them.
class precise_handler {
 public:
  static constexpr std::size_t max_object_size = json::object::max_size();
  static constexpr std::size_t max_array_size = json::array::max_size();
  static constexpr std::size_t max_key_size = json::string::max_size();
  static constexpr std::size_t max_string_size = json::string::max_size();

  json::value_stack stack;

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_object_begin(json::error_code&) { return true; }
  bool on_object_end(std::size_t n, json::error_code&) { return stack.push_object(n), true; }
  bool on_array_begin(json::error_code&) { return true; }
  bool on_array_end(std::size_t n, json::error_code&) { return stack.push_array(n), true; }
  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    return stack.push_chars(s), true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code&) {
    return stack.push_key(s), true;
  }
  bool on_string_part(json::string_view s, std::size_t, json::error_code&) {
    return stack.push_chars(s), true;
  }
  bool on_string(json::string_view s, std::size_t, json::error_code&) {
    return stack.push_string(s), true;
  }
  bool on_number_part(json::string_view s, json::error_code&) {
    return number_.append(s.data(), s.size()), true;
  }
  bool on_int64(std::int64_t i, json::string_view, json::error_code&) {
    number_.clear();
    return stack.push_int64(i), true;
  }
  bool on_uint64(std::uint64_t u, json::string_view, json::error_code&) {
    number_.clear();
    return stack.push_uint64(u), true;
  }
  bool on_double(double, json::string_view s, json::error_code&) {
    number_.append(s.data(), s.size());
    const auto value = detail::parse_number(number_);
    number_.clear();
    if (!value) return false;
    return stack.push_double(*value), true;
  }
  bool on_bool(bool b, json::error_code&) { return stack.push_bool(b), true; }
  bool on_null(json::error_code&) { return stack.push_null(), true; }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

 private:
  std::string number_;
};

json::value parse_precisely(std::string_view text) {
  json::basic_parser<precise_handler> parser{json::parse_options{}};
  json::error_code ec;
  parser.write_some(false, text.data(), text.size(), ec);
  if (ec) throw std::runtime_error("bad vector file: " + ec.message());
  return parser.handler().stack.release();
}

std::filesystem::path vector_file() {
  const char* root = std::getenv("MIZAN_SOURCE_DIR");
  const std::filesystem::path base =
      root ? std::filesystem::path(root)
           : std::filesystem::path(__FILE__).parent_path().parent_path().parent_path();
  return base / "tests" / "vectors" / "canonical_params.json";
}

const json::object& vectors() {
  static const json::value file = [] {
    std::ifstream in(vector_file(), std::ios::binary);
    if (!in) throw std::runtime_error("cannot open " + vector_file().string());
    std::stringstream text;
    text << in.rdbuf();
    return parse_precisely(text.str());
  }();
  return file.as_object();
}

std::string text_of(const json::value& value) {
  const auto& text = value.as_string();
  return std::string(text.data(), text.size());
}

// The schema a context would declare for these params.
std::vector<param_spec> schema_for(const json::object& params) {
  std::vector<param_spec> schema;
  for (const auto& member : params) {
    param_spec spec{std::string(member.key()), param_type::string};
    if (member.value().is_bool()) spec.type = param_type::boolean;
    if (member.value().is_number()) spec.type = param_type::number;
    if (member.value().is_int64() && std::abs(member.value().get_int64()) <= max_safe_integer) {
      spec.type = param_type::integer;
    }
    schema.push_back(spec);
  }
  return schema;
}

}  // namespace

TEST(Vectors, PreciseReaderFixesBoostRounding) {
  EXPECT_EQ(parse_precisely("123456789012345680000").as_double(), 123456789012345680000.0);
}

TEST(Vectors, NumbersPrintAsJavaScriptPrintsThem) {
  const auto& cases = vectors().at("numbers").as_array();
  ASSERT_GE(cases.size(), 100u);
  for (const auto& item : cases) {
    const std::string input = text_of(item.at("input"));
    const std::string output = text_of(item.at("output"));
    const auto number = detail::parse_number(input);
    ASSERT_TRUE(number) << input;
    EXPECT_EQ(ecma_number_to_string(*number), output) << input;
    // The same number arriving as a JSON value (int64, uint64 or double).
    const json::object params{{"n", parse_precisely(input)}};
    EXPECT_EQ(canonical_params(params), "n=" + encode_uri_component(output)) << input;
  }
}

TEST(Vectors, EncodingMatchesEncodeUriComponent) {
  const auto& cases = vectors().at("encode").as_array();
  ASSERT_GE(cases.size(), 10u);
  for (const auto& item : cases) {
    const std::string input = text_of(item.at("input"));
    const std::string output = text_of(item.at("output"));
    EXPECT_EQ(encode_uri_component(input), output) << output;
    EXPECT_EQ(percent_decode(output, false), input) << output;
  }
}

TEST(Vectors, ParamsHaveTheCanonicalForm) {
  const auto& cases = vectors().at("params").as_array();
  ASSERT_GE(cases.size(), 10u);
  for (const auto& item : cases) {
    const auto& input = item.at("input").as_object();
    const std::string canonical = text_of(item.at("canonical"));
    EXPECT_EQ(canonical_params(input), canonical) << json::serialize(input);
    EXPECT_EQ(join_canonical(canonical_pairs(input)), canonical) << json::serialize(input);
  }
}

// A client that puts the canonical string in its URL gets the same string back
// as the server's canonical form, whatever the types.
TEST(Vectors, CanonicalQueriesReadBackUnchanged) {
  for (const auto& item : vectors().at("params").as_array()) {
    const auto& input = item.at("input").as_object();
    const std::string canonical = text_of(item.at("canonical"));
    const auto schema = schema_for(input);
    EXPECT_EQ(parse_query(canonical, schema).canonical, canonical);
  }
}
