// Development mode's table observation on SQLite (db/table_observer.hpp):
// what each statement reads and writes, reported on every execution.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "db/table_observer.hpp"
#include "db/test_support.hpp"
#include "mizan/db.hpp"

namespace {

using mizan::db::database;
using mizan::db::detail::table_observation;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

class TableObservation : public ::testing::Test {
 protected:
  void SetUp() override {
    db.execute_script(
        "CREATE TABLE todos (id INTEGER PRIMARY KEY, user_id INTEGER, done INTEGER);"
        "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);"
        "CREATE TABLE mizan_sessions (key TEXT PRIMARY KEY, user_id INTEGER)");
  }
  db_test::temp_dir dir;
  database db{dir.url(), db_test::observing_tables()};
};

TEST_F(TableObservation, RecordsTheTablesAQueryReads) {
  table_observation seen;
  db.query<std::int64_t>("SELECT t.id FROM todos t JOIN users u ON u.id = t.user_id");
  EXPECT_THAT(seen.tables().read, ElementsAre("todos", "users"));
  EXPECT_THAT(seen.tables().written, IsEmpty());
}

TEST_F(TableObservation, CountStarReadsTheTableWithoutAColumn) {
  table_observation seen;
  db.scalar<std::int64_t>("SELECT count(*) FROM todos");
  EXPECT_THAT(seen.tables().read, ElementsAre("todos"));
}

TEST_F(TableObservation, RecordsTheTablesAStatementWrites) {
  table_observation seen;
  db.exec("INSERT INTO todos (user_id, done) VALUES (1, 0)");
  db.exec("UPDATE users SET name = 'a' WHERE id = 1");
  EXPECT_THAT(seen.tables().written, ElementsAre("todos", "users"));
  // The UPDATE's WHERE reads the table it writes.
  EXPECT_THAT(seen.tables().read, ElementsAre("users"));
}

TEST_F(TableObservation, DeleteWithoutWhereIsAWriteToo) {
  // SQLite's truncate optimization skips the update hook: not the authorizer.
  table_observation seen;
  db.exec("DELETE FROM todos");
  EXPECT_THAT(seen.tables().written, ElementsAre("todos"));
}

TEST_F(TableObservation, CachedStatementsReportOnEveryExecution) {
  const std::string sql = "SELECT count(*) FROM todos WHERE done = ?";
  db.scalar<std::int64_t>(sql, 0);  // prepared and cached outside any observation
  const auto prepared = db.connection().statements_prepared();
  for (int i = 0; i < 2; ++i) {
    table_observation seen;
    db.scalar<std::int64_t>(sql, i);
    EXPECT_THAT(seen.tables().read, ElementsAre("todos"));
  }
  EXPECT_EQ(db.connection().statements_prepared(), prepared);  // from the cache
}

TEST_F(TableObservation, LeavesOutMizanAndSqliteTables) {
  table_observation seen;
  db.exec("INSERT INTO mizan_sessions (key, user_id) VALUES ('k', 1)");
  db.scalar<std::int64_t>("SELECT count(*) FROM mizan_sessions");
  db.scalar<std::int64_t>("SELECT count(*) FROM sqlite_master");
  EXPECT_THAT(seen.tables().read, IsEmpty());
  EXPECT_THAT(seen.tables().written, IsEmpty());
}

TEST_F(TableObservation, NothingIsNotedOutsideAnObservation) {
  db.exec("INSERT INTO todos (user_id, done) VALUES (1, 0)");
  table_observation seen;
  EXPECT_THAT(seen.tables().written, IsEmpty());
}

TEST_F(TableObservation, AnInnerObservationHidesTheOuterOne) {
  table_observation outer;
  {
    table_observation inner;
    db.scalar<std::int64_t>("SELECT count(*) FROM users");
    EXPECT_THAT(inner.tables().read, ElementsAre("users"));
  }
  db.scalar<std::int64_t>("SELECT count(*) FROM todos");
  EXPECT_THAT(outer.tables().read, ElementsAre("todos"));
}

TEST(TableObservationOff, ADatabaseWithoutTheOptionReportsNothing) {
  db_test::temp_dir dir;
  database db(dir.url());
  db.execute_script("CREATE TABLE todos (id INTEGER PRIMARY KEY)");
  table_observation seen;
  db.exec("INSERT INTO todos DEFAULT VALUES");
  db.scalar<std::int64_t>("SELECT count(*) FROM todos");
  EXPECT_THAT(seen.tables().read, IsEmpty());
  EXPECT_THAT(seen.tables().written, IsEmpty());
}

}  // namespace
