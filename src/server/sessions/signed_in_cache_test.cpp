// The per-thread memory of signed-in sessions: exact under every change that
// can end or alter a session, from this connection, another thread or
// another database object (as another process).
#include "server/sessions/signed_in_cache.hpp"
#include "mizan/db.hpp"
#include "server/app/services.hpp"
#include "server/sessions/session_store.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

namespace {

using namespace mizan::server;
using mizan::db::snapshot_version;

signed_in_session session_of(std::int64_t user, std::string csrf, std::int64_t expires) {
  return {session_record{user, std::move(csrf), expires}, mizan::user{user, "u", "", false, false}};
}

TEST(SignedInCache, AnswersOnlyUnderTheVersionItWasFilledUnder) {
  signed_in_cache cache;
  const snapshot_version v1{1, 10, 0}, v2{1, 11, 0};
  cache.store(v1, "k", session_of(7, "tok", 100));
  const auto hit = cache.find(v1, "k", 99);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->record.csrf_token, "tok");
  EXPECT_FALSE(cache.find(v1, "other", 99));
  EXPECT_FALSE(cache.find(v2, "k", 99)) << "the data changed";
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_FALSE(cache.find(v1, "k", 99)) << "and older entries do not come back";
}

TEST(SignedInCache, ExpiredEntriesAreDropped) {
  signed_in_cache cache;
  const snapshot_version v{1, 1, 0};
  cache.store(v, "k", session_of(7, "tok", 100));
  EXPECT_FALSE(cache.find(v, "k", 100));
  EXPECT_EQ(cache.size(), 0u);
}

TEST(SignedInCache, StartsOverWhenFull) {
  signed_in_cache cache(2);
  const snapshot_version v{1, 1, 0};
  cache.store(v, "a", session_of(1, "", 100));
  cache.store(v, "b", session_of(2, "", 100));
  cache.store(v, "c", session_of(3, "", 100));
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_TRUE(cache.find(v, "c", 0));
}

// The SQLite store, used as the context endpoint uses it: inside a read
// transaction of the thread's own connection.
class CachedSqliteStore : public ::testing::Test {
 protected:
  CachedSqliteStore() {
    mizan::db::migrate(database, framework_migrations());
    database.connection().exec(
        "INSERT INTO mizan_users (id, username, email, is_staff, password_hash, created_at) "
        "VALUES (7, 'ann', 'ann@example.com', 0, 'x', 'now')");
    store->save("ann-session", {7, "tok", 5000});
  }
  ~CachedSqliteStore() override { std::filesystem::remove_all(dir); }

  std::optional<signed_in_session> load(std::int64_t now = 1000) {
    auto& c = database.connection();
    return c.read_transaction([&] { return store->load_signed_in(c, "ann-session", now); });
  }
  template <class F>
  void elsewhere(F f) {
    std::thread(f).join();
  }

  static std::string make_dir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "mizan-cache-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    return pattern;
  }

  std::string dir = make_dir();
  std::string url = "sqlite:///" + dir + "/app.db";
  mizan::db::database database{url};
  std::unique_ptr<session_store> store = make_sqlite_session_store(database);
};

TEST_F(CachedSqliteStore, RepeatedLoadsAnswerAlike) {
  for (int i = 0; i < 3; ++i) {
    const auto s = load();
    ASSERT_TRUE(s);
    EXPECT_EQ(s->user.username, "ann");
    EXPECT_EQ(s->record.csrf_token, "tok");
  }
}

TEST_F(CachedSqliteStore, ASignOutOnAnotherThreadIsSeenAtOnce) {
  ASSERT_TRUE(load());
  elsewhere([&] { store->destroy("ann-session"); });
  EXPECT_FALSE(load());
}

TEST_F(CachedSqliteStore, ASignOutOnThisThreadIsSeenAtOnce) {
  ASSERT_TRUE(load());
  store->destroy("ann-session");
  EXPECT_FALSE(load());
}

TEST_F(CachedSqliteStore, AChangedUserIsSeenAtOnce) {
  ASSERT_FALSE(load()->user.is_staff);
  elsewhere([&] { database.connection().exec("UPDATE mizan_users SET is_staff = 1"); });
  EXPECT_TRUE(load()->user.is_staff);
}

TEST_F(CachedSqliteStore, AnotherProcessSignOutIsSeenAtOnce) {
  ASSERT_TRUE(load());
  mizan::db::database other(url);  // its own connections, as another process
  other.connection().exec("DELETE FROM mizan_sessions");
  EXPECT_FALSE(load());
}

TEST_F(CachedSqliteStore, ExpiryIsCheckedOnEveryLoad) {
  ASSERT_TRUE(load(4999));
  EXPECT_FALSE(load(5000));
}

// A batch of mutations shares one transaction: what one of them changed
// is seen by the next, and nothing of it is remembered if it rolls back.
TEST_F(CachedSqliteStore, ChangesInsideATransactionAreSeenAndRollBackCleanly) {
  ASSERT_TRUE(load());
  auto& c = database.connection();
  EXPECT_THROW(c.transaction([&] {
    EXPECT_TRUE(store->load_signed_in(c, "ann-session", 1000));
    c.exec("UPDATE mizan_users SET is_staff = 1");
    EXPECT_TRUE(store->load_signed_in(c, "ann-session", 1000)->user.is_staff);
    store->destroy("ann-session");
    EXPECT_FALSE(store->load_signed_in(c, "ann-session", 1000));
    throw std::runtime_error("roll back");
  }),
               std::runtime_error);
  const auto after = load();
  ASSERT_TRUE(after);
  EXPECT_FALSE(after->user.is_staff);
}

}  // namespace
