// Many threads writing at once, each through its own connection.
#include <gtest/gtest.h>

#include <latch>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "db/test_support.hpp"
#include "mizan/db.hpp"

namespace {

using db_test::engine;
using mizan::db::database;

constexpr int threads = 8;
constexpr int rows_per_thread = 200;

void insert_from_many_threads(database& db, engine e) {
  db.exec("create table t(thread integer not null, i integer not null, primary key (thread, i))");
  std::vector<const mizan::db::connection*> used(threads);
  // Connections are compared while all are open: a finished thread's one is
  // freed and its address may be reused.
  std::latch all_inserted(threads);
  std::vector<std::thread> workers;
  for (int n = 0; n < threads; ++n) {
    workers.emplace_back([&db, &used, &all_inserted, n] {
      used[n] = &db.connection();
      for (int i = 0; i < rows_per_thread; ++i) {
        // Every fourth row inside a transaction, to mix both paths.
        if (i % 4 == 0) {
          db.transaction([&] { db.exec("insert into t(thread, i) values (?, ?)", n, i); });
        } else {
          db.exec("insert into t(thread, i) values (?, ?)", n, i);
        }
      }
      all_inserted.arrive_and_wait();
    });
  }
  for (auto& w : workers) w.join();
  EXPECT_EQ(std::set(used.begin(), used.end()).size(), static_cast<std::size_t>(threads));
  // SQLite closes a thread's connection when the thread ends: only this
  // thread's is left. PostgreSQL's go back to the pool, none closed.
  EXPECT_EQ(db.open_connections(), e == engine::sqlite ? 1u : threads + 1u);
  EXPECT_EQ(db.scalar<std::int64_t>("select count(*) from t"), threads * rows_per_thread);
  for (int n = 0; n < threads; ++n) {
    const auto is = db.query<int>("select i from t where thread = ? order by i", n);
    ASSERT_EQ(is.size(), static_cast<std::size_t>(rows_per_thread)) << "thread " << n;
    for (int i = 0; i < rows_per_thread; ++i) EXPECT_EQ(is[i], i);
  }
}

class Concurrency : public ::testing::TestWithParam<engine> {};

TEST_P(Concurrency, EightThreadsInsertIntoADatabase) {
  db_test::fresh_database fresh(GetParam());
  database db(fresh.url());
  insert_from_many_threads(db, GetParam());
  // Everything is stored for a fresh database object as well.
  database again(fresh.url());
  EXPECT_EQ(again.scalar<std::int64_t>("select count(*) from t"), threads * rows_per_thread);
}

INSTANTIATE_TEST_SUITE_P(Engines, Concurrency, db_test::engines(), db_test::engine_name);

TEST(SqliteConcurrency, EightThreadsInsertIntoMemory) {
  database db("sqlite::memory:");
  insert_from_many_threads(db, engine::sqlite);
}

}  // namespace
