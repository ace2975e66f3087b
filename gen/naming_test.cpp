#include "gen/naming.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace mizan::gen {
namespace {

TEST(pascal_case, splits_words_at_underscores_dots_and_dashes) {
  EXPECT_EQ(pascal_case("add_todo"), "AddTodo");
  EXPECT_EQ(pascal_case("todos"), "Todos");
  EXPECT_EQ(pascal_case("leaderboard"), "Leaderboard");
  EXPECT_EQ(pascal_case("a.b-c"), "ABC");
  EXPECT_EQ(pascal_case("user_v2_row"), "UserV2Row");
}

TEST(pascal_case, keeps_names_that_are_already_pascal) {
  EXPECT_EQ(pascal_case("TodoStats"), "TodoStats");
  EXPECT_EQ(pascal_case("HTTPThing"), "HTTPThing");
}

TEST(pascal_case, always_returns_an_identifier) {
  EXPECT_EQ(pascal_case("2fa_codes"), "_2faCodes");
  EXPECT_EQ(pascal_case("pair<int>"), "Pair_Int_");
  EXPECT_EQ(pascal_case("__"), "_");
}

TEST(safe_identifier, escapes_reserved_words_and_bad_characters) {
  EXPECT_EQ(safe_identifier("add_todo"), "add_todo");
  EXPECT_EQ(safe_identifier("delete"), "delete_");
  EXPECT_EQ(safe_identifier("class"), "class_");
  EXPECT_EQ(safe_identifier("await"), "await_");
  EXPECT_EQ(safe_identifier("eval"), "eval_");
  EXPECT_EQ(safe_identifier("arguments"), "arguments_");
  EXPECT_EQ(safe_identifier("yield"), "yield_");
  EXPECT_EQ(safe_identifier("a.b-c"), "a_b_c");
  EXPECT_EQ(safe_identifier("1x"), "_1x");
  EXPECT_EQ(safe_identifier("deleted"), "deleted");
}

TEST(is_reserved_word, knows_the_strict_mode_words) {
  for (const auto* w : {"break", "enum", "implements", "interface", "let", "package", "static",
                        "undefined", "with", "void", "new", "typeof"}) {
    EXPECT_TRUE(is_reserved_word(w)) << w;
  }
  for (const auto* w : {"of", "type", "as", "async", "get", "set", "todo", "Delete"}) {
    EXPECT_FALSE(is_reserved_word(w)) << w;
  }
}

TEST(property_key, quotes_only_what_is_not_an_identifier) {
  EXPECT_EQ(property_key("title"), "title");
  EXPECT_EQ(property_key("delete"), "delete");  // a reserved word is a valid key
  EXPECT_EQ(property_key("$ref"), "$ref");
  EXPECT_EQ(property_key("content-type"), "'content-type'");
  EXPECT_EQ(property_key("2x"), "'2x'");
  EXPECT_EQ(property_key(""), "''");
}

TEST(string_literal, escapes_what_would_end_or_break_the_literal) {
  EXPECT_EQ(string_literal("plain"), "'plain'");
  EXPECT_EQ(string_literal("it's"), R"('it\'s')");
  EXPECT_EQ(string_literal(R"(^\d+$)"), R"('^\\d+$')");
  EXPECT_EQ(string_literal("a\nb\r\tc"), R"('a\nb\r\tc')");
  EXPECT_EQ(string_literal(std::string("\0\x1f\x7f", 3)), R"('\x00\x1F\x7F')");
  EXPECT_EQ(string_literal("\xE2\x80\xA8|\xE2\x80\xA9"), R"('\u2028|\u2029')");
  EXPECT_EQ(string_literal("caf\xC3\xA9 \xE2\x82\xAC"),
            "'caf\xC3\xA9 \xE2\x82\xAC'");  // kept as UTF-8
}

// Expected values from Node 20: node -e 'console.log(String(x))' for each x.
TEST(js_number, writes_numbers_as_javascript_does) {
  EXPECT_EQ(js_number(1.0), "1");
  EXPECT_EQ(js_number(100.0), "100");
  EXPECT_EQ(js_number(0.1), "0.1");
  EXPECT_EQ(js_number(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(js_number(123.456), "123.456");
  EXPECT_EQ(js_number(1.0 / 3), "0.3333333333333333");
  EXPECT_EQ(js_number(-2.5), "-2.5");
  EXPECT_EQ(js_number(-0.0), "0");
  EXPECT_EQ(js_number(1e20), "100000000000000000000");
  EXPECT_EQ(js_number(123456789012345680000.0), "123456789012345680000");
  EXPECT_EQ(js_number(1e21), "1e+21");
  EXPECT_EQ(js_number(9007199254740992.0), "9007199254740992");
  EXPECT_EQ(js_number(0.000001), "0.000001");
  EXPECT_EQ(js_number(1e-7), "1e-7");
  EXPECT_EQ(js_number(-1e-7), "-1e-7");
  EXPECT_EQ(js_number(1.5e-7), "1.5e-7");
  EXPECT_EQ(js_number(5e-324), "5e-324");
  EXPECT_EQ(js_number(1.7976931348623157e308), "1.7976931348623157e+308");
}

TEST(js_number, writes_integers_exactly) {
  EXPECT_EQ(js_number(std::int64_t{200}), "200");
  EXPECT_EQ(js_number(std::int64_t{-9007199254740991}), "-9007199254740991");
}

TEST(js_number, refuses_what_javascript_cannot_spell_as_a_literal) {
  EXPECT_THROW(js_number(std::numeric_limits<double>::infinity()), schema_error);
  EXPECT_THROW(js_number(std::nan("")), schema_error);
}

}  // namespace
}  // namespace mizan::gen
