// Migrations: fresh, incremental, refused when the history changed, atomic
// per migration, and safe when two processes start together.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "db/test_support.hpp"
#include "mizan/db.hpp"

namespace {

using mizan::db::database;
using mizan::db::migration;
using ::testing::AllOf;
using ::testing::HasSubstr;

const std::vector<migration> all = {
    {"0001_users", "create table users(id integer primary key, name text not null unique);"},
    {"0002_todos",
     "create table todos(id integer primary key, user_id integer not null references users(id),"
     " title text not null);\n"
     "create index todos_user on todos(user_id);"},
    {"0003_done", "alter table todos add column done integer not null default 0"},
};

std::vector<std::string> applied(database& db) {
  return db.query<std::string>("select id from mizan_migrations order by rowid");
}

std::vector<migration> first(std::size_t n) {
  return {all.begin(), all.begin() + n};
}

TEST(Migrate, FreshDatabaseGetsEverything) {
  database db("sqlite::memory:");
  mizan::db::migrate(db, all);
  EXPECT_EQ(applied(db), (std::vector<std::string>{"0001_users", "0002_todos", "0003_done"}));
  db.exec("insert into users(name) values ('ann')");
  db.exec("insert into todos(user_id, title) values (1, 't')");
  EXPECT_EQ(db.scalar<std::int64_t>("select done from todos"), 0);
  // applied_at is an ISO 8601 UTC time.
  EXPECT_THAT(db.scalar<std::string>("select applied_at from mizan_migrations limit 1"),
              ::testing::MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z"));
}

TEST(Migrate, IncrementalRunsOnlyWhatIsNew) {
  db_test::temp_dir dir;
  {
    database db(dir.url());
    mizan::db::migrate(db, first(1));
    EXPECT_EQ(applied(db).size(), 1u);
    db.exec("insert into users(name) values ('kept')");
  }
  database db(dir.url());
  mizan::db::migrate(db, all);
  mizan::db::migrate(db, all);  // nothing left: a no-op
  EXPECT_EQ(applied(db).size(), 3u);
  EXPECT_EQ(db.scalar<std::string>("select name from users"), "kept");
}

TEST(Migrate, RefusesReorderedRemovedOrRenamed) {
  database db("sqlite::memory:");
  mizan::db::migrate(db, first(2));
  const std::vector<migration> reordered = {all[1], all[0], all[2]};
  EXPECT_THAT([&] { mizan::db::migrate(db, reordered); },
              ::testing::ThrowsMessage<std::runtime_error>(
                  AllOf(HasSubstr("number 1"), HasSubstr("\"0001_users\" in the database"),
                        HasSubstr("\"0002_todos\" in the list"))));
  EXPECT_THAT([&] { mizan::db::migrate(db, first(1)); },
              ::testing::ThrowsMessage<std::runtime_error>(
                  AllOf(HasSubstr("\"0002_todos\""), HasSubstr("missing from the list"))));
  const std::vector<migration> renamed = {all[0], {"0002_tasks", all[1].sql}};
  EXPECT_THROW(mizan::db::migrate(db, renamed), std::runtime_error);
  EXPECT_EQ(applied(db).size(), 2u);  // nothing was applied meanwhile
}

TEST(Migrate, FailingMigrationLeavesNoTrace) {
  database db("sqlite::memory:");
  const std::vector<migration> broken = {
      all[0], {"0002_broken", "create table half(x); insert into nowhere values (1);"}};
  EXPECT_THROW(mizan::db::migrate(db, broken), std::runtime_error);
  EXPECT_EQ(applied(db), (std::vector<std::string>{"0001_users"}));
  EXPECT_EQ(db.scalar<std::int64_t>("select count(*) from sqlite_master where name = 'half'"), 0);
  // Fixed, it goes through.
  mizan::db::migrate(db, all);
  EXPECT_EQ(applied(db).size(), 3u);
}

TEST(Migrate, DuplicateIdsAreAProgrammingError) {
  database db("sqlite::memory:");
  const std::vector<migration> twice = {all[0], {"0001_users", "select 1"}};
  EXPECT_THROW(mizan::db::migrate(db, twice), std::logic_error);
}

TEST(Migrate, TwoProcessesStartingTogetherApplyEachOnce) {
  // Separate database objects have separate SQLite connections and take
  // the same file locks as separate processes would.
  std::vector<migration> logged;
  for (int i = 0; i < 6; ++i) {
    const std::string id = "m" + std::to_string(i);
    logged.push_back(
        {id, i == 0 ? "create table log(id text)" : "insert into log values ('" + id + "')"});
  }
  for (int round = 0; round < 5; ++round) {
    db_test::temp_dir dir;
    std::vector<std::thread> starters;
    for (int p = 0; p < 2; ++p) {
      starters.emplace_back([&] {
        database db(dir.url());
        mizan::db::migrate(db, logged);
      });
    }
    for (auto& s : starters) s.join();
    database db(dir.url());
    EXPECT_EQ(applied(db).size(), logged.size());
    EXPECT_EQ(db.scalar<std::int64_t>("select count(*) from log"), 5) << "round " << round;
  }
}

}  // namespace
