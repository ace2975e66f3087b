// Mapping of columns to described members by name, and the messages of the
// programming errors it catches.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>

#include "db/test_support.hpp"
#include "mizan/db.hpp"
#include "mizan/error.hpp"

namespace db_test {

struct todo {
  std::int64_t id;
  std::string title;
  bool done;
  std::optional<std::string> note;
};
BOOST_DESCRIBE_STRUCT(todo, (), (id, title, done, note))

struct counter {
  std::uint8_t small;
};
BOOST_DESCRIBE_STRUCT(counter, (), (small))

struct base_row {
  std::int64_t id;
};
BOOST_DESCRIBE_STRUCT(base_row, (), (id))
struct derived_row : base_row {
  std::string name;
};
BOOST_DESCRIBE_STRUCT(derived_row, (base_row), (name))

struct pair_row {
  std::int64_t a;
  std::int64_t b;
};
BOOST_DESCRIBE_STRUCT(pair_row, (), (a, b))

}  // namespace db_test

namespace {

using db_test::engine;
using db_test::todo;
using mizan::db::database;
using ::testing::AllOf;
using ::testing::HasSubstr;

class Mapping : public ::testing::TestWithParam<engine> {
 protected:
  Mapping() {
    // PostgreSQL takes a bool parameter into a boolean column only.
    db.exec("create table todos(id " + std::string(db_test::auto_id(GetParam())) +
            ", title text not null, done " +
            (GetParam() == engine::sqlite ? "integer" : "boolean") + " not null, note text)");
    db.exec("insert into todos(title, done, note) values (?, ?, ?)", "first", false, nullptr);
    db.exec("insert into todos(title, done, note) values (?, ?, ?)", "second", true, "a note");
  }

  // The message of the std::logic_error `f` throws.
  template <class F>
  static std::string logic_error_of(F f) {
    try {
      f();
    } catch (const std::logic_error& e) {
      return e.what();
    }
    ADD_FAILURE() << "no std::logic_error";
    return {};
  }

  db_test::fresh_database fresh{GetParam()};
  database db{fresh.url()};
};

TEST_P(Mapping, ColumnsMapByNameInAnyOrder) {
  const auto rows = db.query<todo>("select note, done, title, id from todos order by id");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].id, 1);
  EXPECT_EQ(rows[0].title, "first");
  EXPECT_FALSE(rows[0].done);
  EXPECT_EQ(rows[0].note, std::nullopt);
  EXPECT_EQ(rows[1].id, 2);
  EXPECT_EQ(rows[1].title, "second");
  EXPECT_TRUE(rows[1].done);
  EXPECT_EQ(rows[1].note, "a note");
}

TEST_P(Mapping, AliasesAndInheritedMembers) {
  const auto t = db.query_one<todo>(
      "select 7 as id, upper(title) as title, 1 as done, null as note from todos where id = ?", 1);
  EXPECT_EQ(t.id, 7);
  EXPECT_EQ(t.title, "FIRST");
  EXPECT_TRUE(t.done);
  const auto d =
      db.query_one<db_test::derived_row>("select title as name, id from todos where id = 2");
  EXPECT_EQ(d.id, 2);
  EXPECT_EQ(d.name, "second");
}

TEST_P(Mapping, EmptyResultIsAnEmptyVector) {
  EXPECT_TRUE(db.query<todo>("select id, title, done, note from todos where id < 0").empty());
}

TEST_P(Mapping, ColumnWithoutMemberIsNamed) {
  const auto message = logic_error_of(
      [&] { db.query<todo>("select id, title, done, note, 1 as extra from todos"); });
  EXPECT_THAT(message, AllOf(HasSubstr("\"extra\""), HasSubstr("db_test::todo"),
                             HasSubstr("select id, title, done, note, 1 as extra from todos")));
}

TEST_P(Mapping, MemberWithoutColumnIsNamed) {
  // Checked even when no row comes back.
  const auto message =
      logic_error_of([&] { db.query<todo>("select id, title, done from todos where 1 = 0"); });
  EXPECT_THAT(message, AllOf(HasSubstr("member \"note\""), HasSubstr("db_test::todo"),
                             HasSubstr("select id, title, done from todos where 1 = 0")));
}

TEST_P(Mapping, DuplicateColumnIsRefused) {
  const auto message =
      logic_error_of([&] { db.query<todo>("select id, title, done, note, id from todos"); });
  EXPECT_THAT(message, HasSubstr("\"id\" appears twice"));
}

TEST_P(Mapping, TextIntoIntegerNamesTheColumn) {
  const auto message =
      logic_error_of([&] { db.query<todo>("select title as id, title, done, note from todos"); });
  EXPECT_THAT(message, AllOf(HasSubstr("column \"id\" holds text"), HasSubstr("long"),
                             HasSubstr("db_test::todo"), HasSubstr("select title as id")));
}

TEST_P(Mapping, NullIntoNonOptionalNamesTheColumn) {
  const auto message =
      logic_error_of([&] { db.query<todo>("select id, note as title, done, note from todos"); });
  EXPECT_THAT(message, AllOf(HasSubstr("column \"title\" is NULL"), HasSubstr("std::string"),
                             HasSubstr("std::optional"), HasSubstr("db_test::todo")));
}

TEST_P(Mapping, RealIntoIntegerAndIntegerIntoTextAreMismatches) {
  EXPECT_THAT(logic_error_of([&] { db.scalar<std::int64_t>("select 1.5 as x"); }),
              HasSubstr("column \"x\" holds a real"));
  EXPECT_THAT(logic_error_of([&] { db.scalar<std::string>("select 15 as x"); }),
              HasSubstr("column \"x\" holds an integer"));
}

TEST_P(Mapping, OverflowOnReadNamesColumnAndValue) {
  EXPECT_EQ(db.query_one<db_test::counter>("select 255 as small").small, 255);
  const auto message =
      logic_error_of([&] { db.query_one<db_test::counter>("select 300 as small"); });
  EXPECT_THAT(message, AllOf(HasSubstr("column \"small\" holds 300"), HasSubstr("unsigned char"),
                             HasSubstr("db_test::counter")));
}

TEST_P(Mapping, ScalarNeedsExactlyOneColumn) {
  EXPECT_THAT(logic_error_of([&] { db.query<std::int64_t>("select id, done from todos"); }),
              AllOf(HasSubstr("returns 2 columns"), HasSubstr("select id, done from todos")));
}

// Regression: a cached `select *` is re-prepared by SQLite after a schema
// change; mapping by the names seen before the first step put b's value in a.
TEST_P(Mapping, MappingFollowsSchemaChangesOfCachedStatements) {
  db.exec("create table p(a integer, b integer)");
  db.exec("insert into p values (1, 2)");
  const auto before = db.query_one<db_test::pair_row>("select * from p");
  EXPECT_EQ(before.a, 1);
  EXPECT_EQ(before.b, 2);
  db.exec("drop table p");
  db.exec("create table p(b integer, a integer)");
  db.exec("insert into p(a, b) values (10, 20)");
  const auto after = db.query<db_test::pair_row>("select * from p");
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].a, 10);
  EXPECT_EQ(after[0].b, 20);
}

TEST_P(Mapping, QueryOneAndOptionalCountRows) {
  EXPECT_EQ(db.query_one<todo>("select id, title, done, note from todos where id = ?", 2).title,
            "second");
  try {
    db.query_one<todo>("select id, title, done, note from todos where id = ?", 99);
    ADD_FAILURE() << "no error";
  } catch (const mizan::error& e) {
    EXPECT_EQ(e.status(), 404);
    EXPECT_EQ(e.code(), "not_found");
    EXPECT_STREQ(e.what(), "Not found.");
  }
  EXPECT_EQ(db.query_optional<todo>("select id, title, done, note from todos where id = 99"),
            std::nullopt);
  EXPECT_EQ(db.query_optional<std::string>("select title from todos where id = 1"), "first");
  // A query meant to find one row that finds two is a bug, not a choice.
  EXPECT_THAT(
      logic_error_of([&] { db.query_one<todo>("select id, title, done, note from todos"); }),
      HasSubstr("more than one row"));
  EXPECT_THROW(db.query_optional<std::int64_t>("select id from todos"), std::logic_error);
  EXPECT_THROW(db.scalar<std::int64_t>("select id from todos where id = 99"), mizan::error);
}

INSTANTIATE_TEST_SUITE_P(Engines, Mapping, db_test::engines(), db_test::engine_name);

}  // namespace
