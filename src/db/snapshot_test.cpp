// connection::snapshot(): equal versions mean equal committed data, on
// PostgreSQL and on SQLite, for file and in-memory databases alike.
#include <gtest/gtest.h>

#include <optional>
#include <ostream>
#include <string>
#include <thread>

#include "db/test_support.hpp"
#include "mizan/db.hpp"

namespace {

using db_test::engine;
using mizan::db::database;
using mizan::db::snapshot_version;

// What a test runs on: each engine, and SQLite's in-memory database.
enum class target { sqlite, sqlite_memory, postgresql };

std::string name_of(target t) {
  return t == target::sqlite          ? "sqlite"
         : t == target::sqlite_memory ? "sqlite_memory"
                                      : "postgresql";
}
void PrintTo(target t, std::ostream* out) {
  *out << name_of(t);
}

std::optional<db_test::fresh_database> fresh_for(target t) {
  if (t == target::sqlite_memory) return std::nullopt;
  return std::make_optional<db_test::fresh_database>(t == target::sqlite ? engine::sqlite
                                                                         : engine::postgresql);
}

class Snapshot : public ::testing::TestWithParam<target> {
 protected:
  Snapshot() : fresh(fresh_for(GetParam())), db(fresh ? fresh->url() : "sqlite::memory:") {
    db.exec("create table t(x integer)");
  }

  // The version a fresh read transaction of this thread's connection sees.
  snapshot_version read_version() {
    return db.connection().read_transaction([&] { return db.connection().snapshot().value(); });
  }
  // A commit by another connection (another thread's).
  void insert_elsewhere() {
    std::thread([&] { db.exec("insert into t values (1)"); }).join();
  }

  std::optional<db_test::fresh_database> fresh;
  database db;
};

TEST_P(Snapshot, NullOutsideATransaction) {
  EXPECT_FALSE(db.connection().snapshot());
}

TEST_P(Snapshot, StableWhileNothingChanges) {
  const auto first = read_version();
  EXPECT_EQ(read_version(), first);
  db.connection().read_transaction([&] {
    // Asked before any statement: it begins the read itself.
    EXPECT_EQ(db.connection().snapshot(), first);
    EXPECT_EQ(db.scalar<std::int64_t>("select count(*) from t"), 0);
    EXPECT_EQ(db.connection().snapshot(), first);
  });
}

TEST_P(Snapshot, ChangesWithAnotherConnectionsCommit) {
  const auto before = read_version();
  insert_elsewhere();
  const auto after = read_version();
  EXPECT_NE(after, before);
  EXPECT_EQ(read_version(), after);
}

TEST_P(Snapshot, ChangesWithThisConnectionsCommit) {
  const auto before = read_version();
  db.exec("insert into t values (1)");
  EXPECT_NE(read_version(), before);
}

TEST_P(Snapshot, ATransactionThatWroteHasNone) {
  const auto before = read_version();
  db.transaction([&] {
    EXPECT_EQ(db.connection().snapshot(), before);
    db.exec("insert into t values (1)");
    EXPECT_FALSE(db.connection().snapshot()) << "its reads include uncommitted rows";
  });
}

TEST_P(Snapshot, ARolledBackWriteStillChangesTheVersion) {
  const auto before = read_version();
  EXPECT_THROW(db.transaction([&] {
    db.exec("insert into t values (1)");
    throw std::runtime_error("undo");
  }),
               std::runtime_error);
  // The data is as before, but this connection cannot prove it cheaply:
  // a differing version only costs a re-read.
  EXPECT_NE(read_version(), before);
  EXPECT_EQ(db.scalar<std::int64_t>("select count(*) from t"), 0);
}

TEST_P(Snapshot, TwoConnectionsNeverShareAVersion) {
  const auto mine = read_version();
  std::optional<snapshot_version> theirs;
  std::thread([&] { theirs = read_version(); }).join();
  ASSERT_TRUE(theirs);
  EXPECT_NE(*theirs, mine);
  EXPECT_NE(theirs->connection, mine.connection);
}

INSTANTIATE_TEST_SUITE_P(Engines, Snapshot,
                         ::testing::Values(target::sqlite, target::sqlite_memory,
                                           target::postgresql),
                         [](const auto& info) { return name_of(info.param); });

// Another database object opens its own connections, as another process
// would (an in-memory database is private to its object).
class SnapshotOfADatabase : public ::testing::TestWithParam<engine> {};

TEST_P(SnapshotOfADatabase, SeesCommitsOfAnotherDatabaseObject) {
  db_test::fresh_database fresh(GetParam());
  database db(fresh.url());
  db.exec("create table t(x integer)");
  auto version = [&] {
    return db.connection().read_transaction([&] { return db.connection().snapshot().value(); });
  };
  const auto before = version();
  database other(fresh.url());
  other.exec("insert into t values (2)");
  EXPECT_NE(version(), before);
}

INSTANTIATE_TEST_SUITE_P(Engines, SnapshotOfADatabase, db_test::engines(), db_test::engine_name);

}  // namespace
