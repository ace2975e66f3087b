// Opening databases: URLs, pragmas, in-memory sharing and connection
// lifetimes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <thread>
#include <vector>

#include "db/test_support.hpp"
#include "mizan/db.hpp"

namespace {

using db_test::engine;
using mizan::db::database;
using ::testing::HasSubstr;
using ::testing::Not;

std::string invalid_url_message(std::string_view url) {
  try {
    database db(url);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  ADD_FAILURE() << "accepted " << url;
  return {};
}

TEST(Url, MalformedUrlsAreRefusedClearly) {
  EXPECT_THAT(invalid_url_message("sqlite://host/app.db"), HasSubstr("sqlite:///path"));
  EXPECT_THAT(invalid_url_message("sqlite:///"), HasSubstr("has no path"));
  EXPECT_THAT(invalid_url_message("app.db"), HasSubstr("malformed"));
  // Other schemes are named, but the URL (and its password) is not echoed.
  const auto message = invalid_url_message("mysql://user:s3cret@db/app");
  EXPECT_THAT(message, HasSubstr("\"mysql\""));
  EXPECT_THAT(message, Not(HasSubstr("s3cret")));
  // PostgreSQL URLs are checked before any connection is tried.
  const auto libpq = invalid_url_message("postgresql://user:s3cret@db/app?colour=blue");
  EXPECT_THAT(libpq, HasSubstr("colour"));
  EXPECT_THAT(libpq, Not(HasSubstr("s3cret")));
  EXPECT_THAT(invalid_url_message("postgresql://db/app?pool_size=0"), HasSubstr("from 1 to"));
  EXPECT_THAT(invalid_url_message("postgresql://db/app?busy_timeout=10"), HasSubstr("SQLite only"));
  EXPECT_THAT(invalid_url_message("sqlite::memory:?pool_size=4"), HasSubstr("PostgreSQL only"));
  EXPECT_THAT(invalid_url_message("sqlite::memory:?synchronous=sometimes"),
              HasSubstr("normal or full"));
  EXPECT_THAT(invalid_url_message("sqlite::memory:?busy_timeout=5s"), HasSubstr("milliseconds"));
  EXPECT_THAT(invalid_url_message("sqlite::memory:?cache=shared"), HasSubstr("unknown"));
}

// Memory statistics take one process-wide mutex on every SQLite allocation;
// opening a database turns them off (this test binary initializes nothing
// else first).
TEST(Url, SqliteMemoryStatisticsAreOff) {
  db_test::temp_dir dir;
  database db(dir.url());
  db.exec("create table t(x)");
  sqlite3_int64 current = -1, highest = -1;
  ASSERT_EQ(sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &current, &highest, 0), SQLITE_OK);
  EXPECT_EQ(current, 0);
}

TEST(Url, PragmasOnEveryConnection) {
  db_test::temp_dir dir;
  database db(dir.url());
  auto check = [&] {
    EXPECT_EQ(db.scalar<std::string>("pragma journal_mode"), "wal");
    EXPECT_EQ(db.scalar<std::int64_t>("pragma synchronous"), 2);  // FULL: durable by default
    EXPECT_EQ(db.scalar<std::int64_t>("pragma foreign_keys"), 1);
    EXPECT_EQ(db.scalar<std::int64_t>("pragma busy_timeout"), 5000);
  };
  check();
  std::thread(check).join();
  database normal(dir.url("normal.db") + "?synchronous=normal&busy_timeout=1234");
  EXPECT_EQ(normal.scalar<std::int64_t>("pragma synchronous"), 1);  // NORMAL, opted into
  EXPECT_EQ(normal.scalar<std::int64_t>("pragma busy_timeout"), 1234);
  database options(dir.url("options.db"), {.synchronous = mizan::db::durability::normal});
  EXPECT_EQ(options.scalar<std::int64_t>("pragma synchronous"), 1);
}

TEST(Url, RelativePathIsResolvedAtConstruction) {
  db_test::temp_dir dir;
  const auto previous = std::filesystem::current_path();
  std::filesystem::current_path(dir.path());
  std::unique_ptr<database> db;
  try {
    db = std::make_unique<database>("sqlite:///sub.db");
  } catch (...) {
    std::filesystem::current_path(previous);
    throw;
  }
  std::filesystem::current_path(previous);
  // Another thread opens its connection after the working directory changed.
  std::thread([&] { db->exec("create table t(x)"); }).join();
  EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(dir.path()) / "sub.db"));
  EXPECT_EQ(db->scalar<std::int64_t>("select count(*) from sqlite_master where name = 't'"), 1);
}

TEST(Url, UnopenableFilesFailAtConstruction) {
  db_test::temp_dir dir;
  const std::string missing = dir.path() + "/no/such/dir/app.db";
  EXPECT_THAT([&] { database db("sqlite:///" + missing); },
              ::testing::ThrowsMessage<std::runtime_error>(HasSubstr(missing)));
  const std::string garbage = dir.path() + "/garbage.db";
  std::ofstream(garbage) << std::string(8192, 'x');
  EXPECT_THAT([&] { database db("sqlite:///" + garbage); },
              ::testing::ThrowsMessage<std::runtime_error>(HasSubstr("not a database")));
}

// Regression: switching a new file to WAL from two connections at once made
// one of them fail with SQLITE_BUSY without waiting.
TEST(Url, FreshFileOpenedByManyAtOnce) {
  for (int round = 0; round < 40; ++round) {
    db_test::temp_dir dir;
    std::vector<std::thread> openers;
    std::atomic<int> failures{0};
    for (int i = 0; i < 4; ++i) {
      openers.emplace_back([&] {
        try {
          database db(dir.url());
        } catch (const std::exception&) {
          ++failures;
        }
      });
    }
    for (auto& t : openers) t.join();
    ASSERT_EQ(failures.load(), 0) << "round " << round;
  }
}

TEST(Memory, SharedByThreadsPrivateToTheObject) {
  database a("sqlite::memory:");
  database b("sqlite::memory:");
  a.exec("create table t(x)");
  std::thread([&] { a.exec("insert into t values (1)"); }).join();
  EXPECT_EQ(a.scalar<std::int64_t>("select count(*) from t"), 1);
  EXPECT_THROW(b.exec("insert into t values (1)"), std::runtime_error);  // no such table
}

TEST(Memory, SurvivesItsThreadsConnections) {
  database db("sqlite::memory:");
  std::thread([&] {
    db.exec("create table t(x)");
    db.exec("insert into t values (1)");
  }).join();
  EXPECT_EQ(db.open_connections(), 0u);
  EXPECT_EQ(db.scalar<std::int64_t>("select count(*) from t"), 1);
}

// SQLite closes a thread's connection when the thread ends (PostgreSQL's
// goes back to the pool).
TEST(SqliteLifetime, ThreadEndClosesItsConnection) {
  database db("sqlite::memory:");
  EXPECT_EQ(db.open_connections(), 0u);
  auto& mine = db.connection();
  EXPECT_EQ(&db.connection(), &mine);  // one per thread
  EXPECT_EQ(db.open_connections(), 1u);
  std::thread([&] {
    EXPECT_NE(&db.connection(), &mine);
    EXPECT_EQ(db.open_connections(), 2u);
  }).join();
  EXPECT_EQ(db.open_connections(), 1u);
}

class Lifetime : public ::testing::TestWithParam<engine> {
 protected:
  db_test::fresh_database fresh{GetParam()};
};

TEST_P(Lifetime, OneConnectionPerThread) {
  database db(fresh.url());
  auto& mine = db.connection();
  EXPECT_EQ(&db.connection(), &mine);
  std::thread([&] {
    auto& theirs = db.connection();
    EXPECT_NE(&theirs, &mine);
    EXPECT_EQ(&db.connection(), &theirs);
    EXPECT_EQ(db.open_connections(), 2u);
  }).join();
  EXPECT_EQ(&db.connection(), &mine);
}

TEST_P(Lifetime, DatabaseDestroyedBeforeTheThreadEnds) {
  auto db = std::make_unique<database>(fresh.url());
  std::promise<void> used;
  std::promise<void> destroyed;
  std::thread worker([&] {
    db->exec("create table t(x integer)");
    used.set_value();
    destroyed.get_future().wait();
    // This thread's stale entry must not disturb a new database, nor its exit.
    database other(fresh.url());
    other.exec("create table u(x integer)");
    EXPECT_EQ(other.open_connections(), 1u);
  });
  used.get_future().wait();
  EXPECT_EQ(db->open_connections(), 1u);
  db.reset();
  destroyed.set_value();
  worker.join();
}

TEST_P(Lifetime, MovedDatabaseKeepsItsConnections) {
  database a(fresh.url());
  a.exec("create table t(x integer)");
  database b(std::move(a));
  EXPECT_EQ(b.exec("insert into t values (1)"), 1);
  EXPECT_THROW(a.connection(), std::logic_error);  // NOLINT(bugprone-use-after-move)
  database c(fresh.url());
  c = std::move(b);
  EXPECT_EQ(c.scalar<std::int64_t>("select count(*) from t"), 1);
}

INSTANTIATE_TEST_SUITE_P(Engines, Lifetime, db_test::engines(), db_test::engine_name);

}  // namespace
