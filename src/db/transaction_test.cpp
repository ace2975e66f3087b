// Transactions, savepoints and the per-connection statement cache.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "db/test_support.hpp"
#include "mizan/db.hpp"

namespace {

using db_test::engine;
using mizan::db::connection;
using mizan::db::database;

struct test_failure {
  int code;
};

class Transactions : public ::testing::TestWithParam<engine> {
 protected:
  Transactions() {
    db.exec("create table t(id " + std::string(db_test::auto_id(GetParam())) + ", x text)");
  }

  std::int64_t rows() { return db.scalar<std::int64_t>("select count(*) from t"); }
  // Seen from another thread, hence from another connection.
  std::int64_t rows_elsewhere() {
    std::int64_t n = -1;
    std::thread([&] { n = rows(); }).join();
    return n;
  }

  db_test::fresh_database fresh{GetParam()};
  database db{fresh.url()};
};

TEST_P(Transactions, CommitIsVisibleToOtherConnections) {
  const auto id = db.transaction([&] {
    db.exec("insert into t(x) values ('a')");
    EXPECT_TRUE(db.connection().in_transaction());
    EXPECT_EQ(rows_elsewhere(), 0);  // not yet committed
    return db.last_insert_rowid();
  });
  EXPECT_EQ(id, 1);
  EXPECT_FALSE(db.connection().in_transaction());
  EXPECT_EQ(rows_elsewhere(), 1);
}

TEST_P(Transactions, ReadTransactionSeesOneSnapshotAndTakesNoWriteLock) {
  db.exec("insert into t(x) values ('a')");
  auto& c = db.connection();
  c.read_transaction([&] {
    EXPECT_EQ(rows(), 1);
    // Another connection can still write: no write lock is held ...
    std::thread([&] { db.exec("insert into t(x) values ('b')"); }).join();
    // ... and this snapshot does not see its row.
    EXPECT_EQ(rows(), 1);
    EXPECT_TRUE(c.in_transaction());
  });
  EXPECT_FALSE(c.in_transaction());
  EXPECT_EQ(rows(), 2);
}

TEST_P(Transactions, ThrowRollsBackAndRethrowsTheSameException) {
  try {
    db.transaction([&] {
      db.exec("insert into t(x) values ('a')");
      throw test_failure{7};
    });
    ADD_FAILURE() << "not rethrown";
  } catch (const test_failure& e) {
    EXPECT_EQ(e.code, 7);
  }
  EXPECT_EQ(rows(), 0);
  EXPECT_FALSE(db.connection().in_transaction());
  // The connection is usable again.
  db.transaction([&] { db.exec("insert into t(x) values ('b')"); });
  EXPECT_EQ(rows_elsewhere(), 1);
}

TEST_P(Transactions, InnerFailureCaughtByOuterUndoesOnlyInner) {
  db.transaction([&](connection& c) {
    c.exec("insert into t(x) values ('outer')");
    EXPECT_THROW(c.transaction([&] {
      c.exec("insert into t(x) values ('inner')");
      throw std::runtime_error("inner");
    }),
                 std::runtime_error);
    c.transaction([&] { c.exec("insert into t(x) values ('inner ok')"); });
  });
  const auto kept = db.query<std::string>("select x from t order by id");
  EXPECT_EQ(kept, (std::vector<std::string>{"outer", "inner ok"}));
}

TEST_P(Transactions, OuterFailureUndoesCommittedInner) {
  EXPECT_THROW(db.transaction([&] {
    db.transaction([&] { db.exec("insert into t(x) values ('inner')"); });
    db.transaction([&] { db.transaction([&] { db.exec("insert into t(x) values ('deep')"); }); });
    throw std::logic_error("outer");
  }),
               std::logic_error);
  EXPECT_EQ(rows(), 0);
}

TEST_P(Transactions, ConstraintErrorInsideRollsBackEverything) {
  db.exec("create unique index t_x on t(x)");
  EXPECT_THROW(db.transaction([&] {
    db.exec("insert into t(x) values ('a')");
    db.exec("insert into t(x) values ('a')");
  }),
               mizan::db::constraint_error);
  EXPECT_EQ(rows(), 0);
}

// PostgreSQL spoils a transaction at its first failed statement; a nested
// transaction (a savepoint) rolls back only its own part, on both engines.
TEST_P(Transactions, ErrorCaughtInANestedTransactionLetsTheOuterGoOn) {
  db.exec("create unique index t_x on t(x)");
  db.transaction([&](connection& c) {
    c.exec("insert into t(x) values ('a')");
    EXPECT_THROW(c.transaction([&] {
      c.exec("insert into t(x) values ('b')");
      c.exec("insert into t(x) values ('a')");
    }),
                 mizan::db::constraint_error);
    EXPECT_TRUE(c.transaction_active());
    c.exec("insert into t(x) values ('c')");
  });
  EXPECT_EQ(db.query<std::string>("select x from t order by id"),
            (std::vector<std::string>{"a", "c"}));
}

TEST_P(Transactions, ReturnsWhatTheBodyReturns) {
  const std::string s = db.transaction([] { return std::string("value"); });
  EXPECT_EQ(s, "value");
  int target = 1;
  int& ref = db.transaction([&]() -> int& { return target; });
  EXPECT_EQ(&ref, &target);
}

class StatementCache : public ::testing::TestWithParam<engine> {
 protected:
  db_test::fresh_database fresh{GetParam()};
};

TEST_P(StatementCache, SameSqlIsPreparedOnce) {
  database db(fresh.url());
  auto& c = db.connection();
  c.exec("create table t(x integer)");
  const auto before = c.statements_prepared();
  for (int i = 0; i < 1000; ++i) c.exec("insert into t values (?)", i);
  EXPECT_EQ(c.statements_prepared(), before + 1);
  for (int i = 0; i < 100; ++i) {
    c.transaction([&] { EXPECT_EQ(c.scalar<std::int64_t>("select x from t where x = ?", i), i); });
  }
  // The select, and on SQLite BEGIN IMMEDIATE and COMMIT (PostgreSQL sends
  // those as simple queries, which are not prepared).
  EXPECT_EQ(c.statements_prepared(), before + (GetParam() == engine::sqlite ? 4 : 2));
  EXPECT_EQ(c.scalar<std::int64_t>("select sum(x) from t"), 999 * 1000 / 2);
}

TEST_P(StatementCache, StatementIsResetAfterAnExceptionMidRead) {
  database db(fresh.url());
  db.exec("create table t(id integer primary key, x integer)");
  db.exec("insert into t values (1, 1), (2, 300)");
  // The second row does not fit: the read stops half-way.
  EXPECT_THROW(db.query<std::uint8_t>("select x from t order by id"), std::logic_error);
  // A statement left mid-read would keep the table locked against DROP.
  db.exec("drop table t");
  EXPECT_THROW(db.query<std::int64_t>("select x from t"), std::runtime_error);
}

TEST_P(StatementCache, SmallCacheStillAnswersCorrectly) {
  database db(fresh.url(), {.statement_cache_size = 4});
  auto& c = db.connection();
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 10; ++i) {
      const std::string sql = "select " + std::to_string(i) + " + ?";
      EXPECT_EQ(c.scalar<std::int64_t>(sql, round), i + round);
    }
  }
  EXPECT_GT(c.statements_prepared(), 10u);  // evicted and prepared again
}

// SQLite's dynamic typing: one column holds an integer and a text.
TEST(SqliteStatementCache, StatementIsResetAfterATypeMismatchMidRead) {
  database db("sqlite::memory:");
  db.exec("create table t(x)");
  db.exec("insert into t values (1), ('text')");
  EXPECT_THROW(db.query<std::int64_t>("select x from t order by rowid"), std::logic_error);
  db.exec("drop table t");
  EXPECT_THROW(db.query<std::int64_t>("select x from t"), std::runtime_error);
}

INSTANTIATE_TEST_SUITE_P(Engines, Transactions, db_test::engines(), db_test::engine_name);
INSTANTIATE_TEST_SUITE_P(Engines, StatementCache, db_test::engines(), db_test::engine_name);

}  // namespace
