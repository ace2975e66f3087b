// Transactions, savepoints and the per-connection statement cache.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <thread>

#include "db/test_support.hpp"
#include "mizan/db.hpp"

namespace {

using mizan::db::connection;
using mizan::db::database;

struct test_failure {
  int code;
};

class Transactions : public ::testing::Test {
 protected:
  Transactions() { db.exec("create table t(x text)"); }

  std::int64_t rows() { return db.scalar<std::int64_t>("select count(*) from t"); }
  // Seen from another thread, hence from another connection.
  std::int64_t rows_elsewhere() {
    std::int64_t n = -1;
    std::thread([&] { n = rows(); }).join();
    return n;
  }

  db_test::temp_dir dir;
  database db{dir.url()};
};

TEST_F(Transactions, CommitIsVisibleToOtherConnections) {
  const auto id = db.transaction([&] {
    db.exec("insert into t values ('a')");
    EXPECT_TRUE(db.connection().in_transaction());
    EXPECT_EQ(rows_elsewhere(), 0);  // not yet committed
    return db.last_insert_rowid();
  });
  EXPECT_EQ(id, 1);
  EXPECT_FALSE(db.connection().in_transaction());
  EXPECT_EQ(rows_elsewhere(), 1);
}

TEST_F(Transactions, ReadTransactionSeesOneSnapshotAndTakesNoWriteLock) {
  db.exec("insert into t values ('a')");
  auto& c = db.connection();
  c.read_transaction([&] {
    EXPECT_EQ(rows(), 1);
    // Another connection can still write: no write lock is held ...
    std::thread([&] { db.exec("insert into t values ('b')"); }).join();
    // ... and this snapshot does not see its row.
    EXPECT_EQ(rows(), 1);
    EXPECT_TRUE(c.in_transaction());
  });
  EXPECT_FALSE(c.in_transaction());
  EXPECT_EQ(rows(), 2);
}

TEST_F(Transactions, ThrowRollsBackAndRethrowsTheSameException) {
  try {
    db.transaction([&] {
      db.exec("insert into t values ('a')");
      throw test_failure{7};
    });
    ADD_FAILURE() << "not rethrown";
  } catch (const test_failure& e) {
    EXPECT_EQ(e.code, 7);
  }
  EXPECT_EQ(rows(), 0);
  EXPECT_FALSE(db.connection().in_transaction());
  // The connection is usable again.
  db.transaction([&] { db.exec("insert into t values ('b')"); });
  EXPECT_EQ(rows_elsewhere(), 1);
}

TEST_F(Transactions, InnerFailureCaughtByOuterUndoesOnlyInner) {
  db.transaction([&](connection& c) {
    c.exec("insert into t values ('outer')");
    EXPECT_THROW(c.transaction([&] {
      c.exec("insert into t values ('inner')");
      throw std::runtime_error("inner");
    }),
                 std::runtime_error);
    c.transaction([&] { c.exec("insert into t values ('inner ok')"); });
  });
  const auto kept = db.query<std::string>("select x from t order by rowid");
  EXPECT_EQ(kept, (std::vector<std::string>{"outer", "inner ok"}));
}

TEST_F(Transactions, OuterFailureUndoesCommittedInner) {
  EXPECT_THROW(db.transaction([&] {
    db.transaction([&] { db.exec("insert into t values ('inner')"); });
    db.transaction([&] { db.transaction([&] { db.exec("insert into t values ('deep')"); }); });
    throw std::logic_error("outer");
  }),
               std::logic_error);
  EXPECT_EQ(rows(), 0);
}

TEST_F(Transactions, ConstraintErrorInsideRollsBackEverything) {
  db.exec("create unique index t_x on t(x)");
  EXPECT_THROW(db.transaction([&] {
    db.exec("insert into t values ('a')");
    db.exec("insert into t values ('a')");
  }),
               mizan::db::constraint_error);
  EXPECT_EQ(rows(), 0);
}

TEST_F(Transactions, ReturnsWhatTheBodyReturns) {
  const std::string s = db.transaction([] { return std::string("value"); });
  EXPECT_EQ(s, "value");
  int target = 1;
  int& ref = db.transaction([&]() -> int& { return target; });
  EXPECT_EQ(&ref, &target);
}

TEST(StatementCache, SameSqlIsPreparedOnce) {
  database db("sqlite::memory:");
  auto& c = db.connection();
  c.exec("create table t(x integer)");
  const auto before = c.statements_prepared();
  for (int i = 0; i < 1000; ++i) c.exec("insert into t values (?)", i);
  EXPECT_EQ(c.statements_prepared(), before + 1);
  for (int i = 0; i < 100; ++i) {
    c.transaction([&] { EXPECT_EQ(c.scalar<std::int64_t>("select x from t where x = ?", i), i); });
  }
  // The select, BEGIN IMMEDIATE and COMMIT.
  EXPECT_EQ(c.statements_prepared(), before + 4);
  EXPECT_EQ(c.scalar<std::int64_t>("select sum(x) from t"), 999 * 1000 / 2);
}

TEST(StatementCache, StatementIsResetAfterAnExceptionMidRead) {
  database db("sqlite::memory:");
  db.exec("create table t(x)");
  db.exec("insert into t values (1), ('text')");
  EXPECT_THROW(db.query<std::int64_t>("select x from t order by rowid"), std::logic_error);
  // A statement left mid-read would keep the table locked against DROP.
  db.exec("drop table t");
  EXPECT_THROW(db.query<std::int64_t>("select x from t"), std::runtime_error);
}

TEST(StatementCache, SmallCacheStillAnswersCorrectly) {
  database db("sqlite::memory:", {.statement_cache_size = 4});
  auto& c = db.connection();
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 10; ++i) {
      const std::string sql = "select " + std::to_string(i) + " + ?";
      EXPECT_EQ(c.scalar<std::int64_t>(sql, round), i + round);
    }
  }
  EXPECT_GT(c.statements_prepared(), 10u);  // evicted and prepared again
}

}  // namespace
