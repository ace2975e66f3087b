// How engine failures and misuse surface: constraint errors, a busy database,
// SQL errors and statements that are not exactly one.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <string_view>
#include <thread>

#include "db/test_support.hpp"
#include "mizan/db.hpp"
#include "mizan/error.hpp"

namespace {

using db_test::engine;
using mizan::db::constraint;
using mizan::db::constraint_error;
using mizan::db::database;
using ::testing::HasSubstr;

class Errors : public ::testing::TestWithParam<engine> {
 protected:
  Errors() {
    const bool sqlite = GetParam() == engine::sqlite;
    db.execute_script("create table users(id " + std::string(db_test::auto_id(GetParam())) +
                      ", name text not null unique, age integer check (age >= 0));"
                      "create table posts(slug text primary key,"
                      " user_id integer not null references users(id))" +
                      (sqlite ? " without rowid;" : ";"));
  }
  db_test::fresh_database fresh{GetParam()};
  database db{fresh.url()};
};

constraint kind_of(database& db, std::string_view sql, auto... args) {
  try {
    db.exec(sql, args...);
  } catch (const constraint_error& e) {
    return e.kind();
  }
  ADD_FAILURE() << "no constraint_error for " << sql;
  return constraint::other;
}

TEST_P(Errors, ConstraintViolationsAreTyped) {
  db.exec("insert into users(name, age) values (?, ?)", "ann", 30);
  try {
    db.exec("insert into users(name, age) values (?, ?)", "ann", 31);
    ADD_FAILURE() << "duplicate accepted";
  } catch (const constraint_error& e) {
    EXPECT_EQ(e.kind(), constraint::unique);
    // The engine's message, naming the column or the constraint.
    EXPECT_THAT(e.what(),
                HasSubstr(GetParam() == engine::sqlite ? "UNIQUE constraint failed: users.name"
                                                       : "unique constraint \"users_name_key\""));
  }
  EXPECT_EQ(kind_of(db, "insert into users(id, name) values (1, 'bob')"), constraint::primary_key);
  EXPECT_EQ(kind_of(db, "insert into users(name) values (null)"), constraint::not_null);
  EXPECT_EQ(kind_of(db, "insert into users(name, age) values ('cy', -1)"), constraint::check);
  // foreign_keys=ON is in force on every connection.
  EXPECT_EQ(kind_of(db, "insert into posts(user_id, slug) values (?, ?)", 42, "x"),
            constraint::foreign_key);
  EXPECT_EQ(db.exec("insert into posts(user_id, slug) values (?, ?)", 1, "x"), 1);
  EXPECT_EQ(kind_of(db, "insert into posts(user_id, slug) values (?, ?)", 1, "x"),
            constraint::primary_key);
  // A constraint_error is a std::runtime_error, as the engine's other failures.
  EXPECT_THROW(db.exec("insert into users(name) values ('ann')"), std::runtime_error);
}

TEST_P(Errors, SqlErrorsCarryTheEnginesMessage) {
  try {
    db.exec("selec 1");
    ADD_FAILURE() << "no error";
  } catch (const std::logic_error&) {
    ADD_FAILURE() << "an engine's error is a runtime_error";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("syntax error"));
    EXPECT_THAT(e.what(), HasSubstr("selec 1"));
  }
  EXPECT_THROW(db.exec("insert into nowhere values (1)"), std::runtime_error);
}

TEST_P(Errors, StatementsMustBeExactlyOne) {
  EXPECT_THAT(
      [&] {
        db.exec("insert into users(name) values ('a'); insert into users(name) values ('b')");
      },
      ::testing::ThrowsMessage<std::logic_error>(HasSubstr("more than one statement")));
  EXPECT_EQ(db.scalar<std::int64_t>("select count(*) from users"), 0);
  EXPECT_THROW(db.exec("  -- nothing\n"), std::logic_error);
  // Trailing semicolons and comments are not a second statement.
  EXPECT_EQ(db.scalar<std::int64_t>("select 5; -- five\n"), 5);
}

TEST_P(Errors, ParameterCountMustMatch) {
  EXPECT_THAT(
      [&] { db.exec("insert into users(name, age) values (?, ?)", "x"); },
      ::testing::ThrowsMessage<std::logic_error>(HasSubstr("expects 2 parameters, 1 given")));
  EXPECT_THROW(db.scalar<std::int64_t>("select 1", 2), std::logic_error);
}

TEST_P(Errors, ExecCountsOnlyItsOwnChanges) {
  db.exec("insert into users(name) values ('a')");
  db.exec("insert into users(name) values ('b')");
  EXPECT_EQ(db.exec("update users set age = 1"), 2);
  // Neither DDL nor a query reports the previous update's count.
  EXPECT_EQ(db.exec("create table other(x integer)"), 0);
  EXPECT_EQ(db.exec("select * from users"), 0);
  EXPECT_EQ(db.exec("delete from users where name = ?", "a"), 1);
  EXPECT_EQ(db.exec("update users set age = 2 where 1 = 0"), 0);
}

// One thread holds the write lock; the other gives up after its busy timeout.
void expect_busy(const std::string& url) {
  database db(url, {.busy_timeout = std::chrono::milliseconds(150)});
  db.exec("create table t(x)");
  std::promise<void> locked;
  std::promise<void> release;
  std::thread holder([&] {
    db.transaction([&] {
      db.exec("insert into t values (1)");
      locked.set_value();
      release.get_future().wait();
    });
  });
  locked.get_future().wait();
  const auto start = std::chrono::steady_clock::now();
  try {
    db.exec("insert into t values (2)");
    ADD_FAILURE() << "write went through a held lock";
  } catch (const mizan::error& e) {
    EXPECT_EQ(e.status(), 503);
    EXPECT_EQ(e.code(), "unavailable");
    EXPECT_STREQ(e.what(), "The database is busy.");
  }
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(140));
  // BEGIN IMMEDIATE takes the write lock even for a transaction that only reads.
  EXPECT_THROW(db.transaction([&] { db.scalar<std::int64_t>("select count(*) from t"); }),
               mizan::error);
  EXPECT_FALSE(db.connection().in_transaction());
  release.set_value();
  holder.join();
  EXPECT_EQ(db.scalar<std::int64_t>("select count(*) from t"), 1);
}

TEST(Busy, FileDatabaseWaitsThenFailsAsUnavailable) {
  db_test::temp_dir dir;
  expect_busy(dir.url());
}

TEST(Busy, MemoryDatabaseWaitsThenFailsAsUnavailable) {
  expect_busy("sqlite::memory:");
}

void expect_unavailable(const std::function<void()>& f, std::string_view message) {
  try {
    f();
    ADD_FAILURE() << "no error";
  } catch (const mizan::error& e) {
    EXPECT_EQ(e.status(), 503);
    EXPECT_EQ(e.code(), "unavailable");
    EXPECT_EQ(e.what(), message);
  }
}

// PostgreSQL has no busy timeout: a statement waiting for a row lock runs
// into the statement timeout instead, and is as unavailable.
TEST(PostgresqlBusy, LockWaitPastTheStatementTimeoutIsUnavailable) {
  db_test::fresh_database fresh(engine::postgresql);
  database db(fresh.url(), {.statement_timeout = std::chrono::milliseconds(150)});
  db.exec("create table t(x integer primary key)");
  std::promise<void> locked;
  std::promise<void> release;
  std::thread holder([&] {
    db.transaction([&] {
      db.exec("insert into t values (1)");
      locked.set_value();
      release.get_future().wait();
    });
  });
  locked.get_future().wait();
  const auto start = std::chrono::steady_clock::now();
  // The same key: it waits to see whether the holder commits.
  expect_unavailable([&] { db.exec("insert into t values (1)"); },
                     "The database took too long to answer.");
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(140));
  EXPECT_FALSE(db.connection().in_transaction());
  release.set_value();
  holder.join();
  EXPECT_EQ(db.scalar<std::int64_t>("select count(*) from t"), 1);
}

// A thread keeps its connection: with all taken, the next thread waits for
// the pool timeout, then gives up.
TEST(PostgresqlBusy, FullPoolIsUnavailable) {
  db_test::fresh_database fresh(engine::postgresql);
  database db(fresh.url(), {.pool_size = 1, .pool_timeout = std::chrono::milliseconds(150)});
  EXPECT_EQ(db.scalar<std::int64_t>("select 1"), 1);
  std::thread([&] {
    const auto start = std::chrono::steady_clock::now();
    expect_unavailable([&] { db.scalar<std::int64_t>("select 2"); },
                       "The database has no free connection.");
    EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(140));
  }).join();
  // Given back, it serves the other thread.
  db.release_connection();
  std::thread([&] { EXPECT_EQ(db.scalar<std::int64_t>("select 2"), 2); }).join();
}

INSTANTIATE_TEST_SUITE_P(Engines, Errors, db_test::engines(), db_test::engine_name);

// The server ends this connection's session (a restart, an administrator,
// a proxy's idle timeout); another connection waits until it has gone.
void terminate_backend(const std::string& url, std::int64_t pid) {
  database admin(url);
  ASSERT_TRUE(admin.scalar<bool>("select pg_terminate_backend(?::integer, 5000)", pid));
}

TEST(PostgresqlFaults, IdleConnectionTheServerClosedIsReopened) {
  db_test::fresh_database fresh(engine::postgresql);
  database db(fresh.url());
  const auto pid = db.scalar<std::int64_t>("select pg_backend_pid()");
  terminate_backend(fresh.url(), pid);
  EXPECT_NE(db.scalar<std::int64_t>("select pg_backend_pid()"), pid);
}

TEST(PostgresqlFaults, ConnectionLostInATransactionIsUnavailable) {
  db_test::fresh_database fresh(engine::postgresql);
  database db(fresh.url());
  db.exec("create table t(x integer)");
  expect_unavailable(
      [&] {
        db.transaction([&] {
          db.exec("insert into t values (1)");
          terminate_backend(fresh.url(), db.scalar<std::int64_t>("select pg_backend_pid()"));
          db.exec("insert into t values (2)");
        });
      },
      "The database connection was lost.");
  EXPECT_FALSE(db.connection().in_transaction());
  // Nothing of it was committed, and the connection works again.
  EXPECT_EQ(db.scalar<std::int64_t>("select count(*) from t"), 0);
}

}  // namespace

// Two transactions that wait for each other's row: PostgreSQL aborts one
// (deadlock_detected) as db::conflict_error, an unavailable with Retry-After
// that the server runs again; the other goes on and commits.
TEST(PostgresqlFaults, DeadlockIsAConflictAndTheOtherSideCommits) {
  db_test::fresh_database fresh(engine::postgresql);
  database db(fresh.url());
  db.exec("create table t(id integer primary key, n integer not null)");
  db.exec("insert into t values (1, 0), (2, 0)");
  std::promise<void> first_locked;
  std::promise<void> second_locked;
  std::atomic<int> conflicts = 0;
  std::atomic<int> commits = 0;
  auto side = [&](int mine, int theirs, std::promise<void>& locked, std::promise<void>& other) {
    try {
      db.transaction([&] {
        db.exec("update t set n = n + 1 where id = ?", mine);
        locked.set_value();
        other.get_future().wait();
        db.exec("update t set n = n + 1 where id = ?", theirs);
      });
      ++commits;
    } catch (const mizan::db::conflict_error& e) {
      ++conflicts;
      EXPECT_EQ(e.status(), 503);
      EXPECT_EQ(e.code(), "unavailable");
      ASSERT_EQ(e.headers().size(), 1u);
      EXPECT_EQ(e.headers()[0].first, "Retry-After");
    }
  };
  std::thread a([&] { side(1, 2, first_locked, second_locked); });
  std::thread b([&] { side(2, 1, second_locked, first_locked); });
  a.join();
  b.join();
  EXPECT_EQ(conflicts, 1);
  EXPECT_EQ(commits, 1);
  // The survivor's two increments, nothing of the other's.
  EXPECT_EQ(db.scalar<std::int64_t>("select sum(n) from t"), 2);
}
