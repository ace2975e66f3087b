#include "db/pg_sql.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace {

using mizan::db::detail::translate_placeholders;

std::string translated(std::string_view sql, int expected_count) {
  std::string out;
  EXPECT_EQ(translate_placeholders(sql, out), expected_count) << sql;
  return out;
}

TEST(PgPlaceholders, NumbersEachQuestionMarkInOrder) {
  EXPECT_EQ(translated("select a from t where b = ? and c > ?", 2),
            "select a from t where b = $1 and c > $2");
  EXPECT_EQ(translated("select 1", 0), "select 1");
}

TEST(PgPlaceholders, LeavesQuotedTextAndCommentsAlone) {
  EXPECT_EQ(translated("select '?', 'it''s ?', \"odd?name\" from t where x = ?", 1),
            "select '?', 'it''s ?', \"odd?name\" from t where x = $1");
  EXPECT_EQ(translated("select ? -- a ? here\n, ? /* and ? /* nested ? */ ? */", 2),
            "select $1 -- a ? here\n, $2 /* and ? /* nested ? */ ? */");
  EXPECT_EQ(translated("select E'\\' ?', ?", 1), "select E'\\' ?', $1");
  EXPECT_EQ(translated("select $$ ? $$, $tag$ ?$ $tag$, ?", 1),
            "select $$ ? $$, $tag$ ?$ $tag$, $1");
}

TEST(PgPlaceholders, ABackslashOutsideAnEStringEscapesNothing) {
  // Standard strings: 'a\' ends at the second quote.
  EXPECT_EQ(translated("select 'a\\', ?", 1), "select 'a\\', $1");
}

TEST(PgPlaceholders, ATrailingSemicolonIsOneStatement) {
  EXPECT_EQ(translated("select ?; -- done\n", 1), "select $1; -- done\n");
}

TEST(PgPlaceholders, RefusesSeveralStatementsOrNone) {
  std::string out;
  EXPECT_THROW(translate_placeholders("select 1; select 2", out), std::logic_error);
  EXPECT_THROW(translate_placeholders("  -- nothing\n", out), std::logic_error);
  EXPECT_THROW(translate_placeholders("", out), std::logic_error);
  EXPECT_NO_THROW(translate_placeholders("select ';'", out));
}

}  // namespace
