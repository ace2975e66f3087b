// Cookies, CSRF tokens and both session stores.
#include "mizan/db.hpp"
#include "server/app/services.hpp"
#include "server/identity/cookies.hpp"
#include "server/identity/csrf.hpp"
#include "server/sessions/session_store.hpp"

#include <gtest/gtest.h>

#include <array>
#include <thread>

namespace {

using namespace mizan::server;

TEST(Cookies, FindsEveryValueOfAnExactName) {
  const std::string header = "a=1; mizan_session=abc; mizan_session_x=no; mizan_session=second";
  std::array<std::string_view, 4> values;
  ASSERT_EQ(find_cookies(header, "mizan_session", values), 2u);
  EXPECT_EQ(values[0], "abc");
  EXPECT_EQ(values[1], "second");
  ASSERT_EQ(find_cookies("x=\"quoted\"", "x", values), 1u);
  EXPECT_EQ(values[0], "quoted");
  EXPECT_EQ(find_cookies(header, "mizan", values), 0u);
  EXPECT_EQ(find_cookies("", "a", values), 0u);
  // More values than room: all are counted, the first ones kept.
  std::array<std::string_view, 1> one;
  EXPECT_EQ(find_cookies("a=1; a=2; a=3", "a", one), 3u);
  EXPECT_EQ(one[0], "1");
}

TEST(Cookies, TossedCookieMakesTheValueAmbiguous) {
  EXPECT_EQ(find_only_cookie("a=1; mizan_csrf=t", "mizan_csrf").value(), "t");
  // The same value twice (set for two paths) is still one value.
  EXPECT_EQ(find_only_cookie("mizan_csrf=t; mizan_csrf=t", "mizan_csrf").value(), "t");
  EXPECT_FALSE(find_only_cookie("mizan_csrf=planted; mizan_csrf=t", "mizan_csrf"));
  EXPECT_FALSE(find_only_cookie("a=1", "mizan_csrf"));
  EXPECT_FALSE(find_only_cookie("c=1; c=1; c=1; c=1; c=1", "c"));
}

TEST(Cookies, SecureCookiesTakeTheHostPrefixExceptTheMwt) {
  EXPECT_EQ(cookie_names_for(false).session, "mizan_session");
  EXPECT_EQ(cookie_names_for(false).csrf, "mizan_csrf");
  EXPECT_EQ(cookie_names_for(true).session, "__Host-mizan_session");
  EXPECT_EQ(cookie_names_for(true).csrf, "__Host-mizan_csrf");
  EXPECT_EQ(cookie_names_for(true).mwt, "mizan_mwt");
}

TEST(Cookies, SetCookieCarriesTheSecurityAttributes) {
  EXPECT_EQ(set_cookie("mizan_session", "v", {.http_only = true, .secure = true, .max_age = 60}),
            "mizan_session=v; Path=/; Max-Age=60; SameSite=Lax; HttpOnly; Secure");
  EXPECT_EQ(set_cookie("a", "", {.http_only = false, .secure = false, .max_age = 0}),
            "a=; Path=/; Max-Age=0; SameSite=Lax");
}

TEST(Csrf, TokensAreGenuineOnlyUnderTheirSecret) {
  const std::string secret(32, 's');
  const auto token = make_csrf_token(secret);
  EXPECT_EQ(token.size(), 64u);
  EXPECT_TRUE(csrf_token_is_genuine(secret, token));
  EXPECT_FALSE(csrf_token_is_genuine(std::string(32, 't'), token));
  auto forged = token;
  forged[0] = forged[0] == 'a' ? 'b' : 'a';
  EXPECT_FALSE(csrf_token_is_genuine(secret, forged));
  EXPECT_FALSE(csrf_token_is_genuine(secret, token.substr(0, 63)));
  EXPECT_NE(make_csrf_token(secret), token);
}

TEST(Csrf, UnsafeMethodsAndOrigins) {
  EXPECT_TRUE(is_unsafe_method("POST"));
  EXPECT_TRUE(is_unsafe_method("DELETE"));
  EXPECT_FALSE(is_unsafe_method("GET"));
  const std::vector<std::string> allowed = {"http://127.0.0.1:8000"};
  EXPECT_TRUE(origin_allowed("http://127.0.0.1:8000", allowed));
  EXPECT_FALSE(origin_allowed("http://127.0.0.1:8000.evil.example", allowed));
  EXPECT_FALSE(origin_allowed("null", allowed));
}

void exercise(session_store& store) {
  store.save("id-1", {7, "tok", 1000});
  const auto loaded = store.load("id-1", 999);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->user_id, 7);
  EXPECT_EQ(loaded->csrf_token, "tok");
  EXPECT_FALSE(store.load("id-1", 1000)) << "expired at its expiry second";
  EXPECT_FALSE(store.load("id-2", 0));
  store.save("id-3", {8, "t", 5000});
  store.destroy("id-3");
  EXPECT_FALSE(store.load("id-3", 0));
}

TEST(SessionStore, MemoryStoreLoadsExpiresAndDestroys) {
  auto store = make_memory_session_store();
  exercise(*store);
}

TEST(SessionStore, SqliteStoreLoadsExpiresAndDestroys) {
  mizan::db::database database("sqlite::memory:");
  mizan::db::migrate(database, framework_migrations());
  database.connection().exec(
      "INSERT INTO mizan_users (id, username, password_hash, created_at) VALUES "
      "(7, 'a', 'x', 'now'), (8, 'b', 'x', 'now')");
  auto store = make_sqlite_session_store(database);
  exercise(*store);
  // The table holds the id's SHA-256, never the id itself.
  store->save("secret-cookie-value", {7, "tok", 9999});
  EXPECT_EQ(database.connection().scalar<std::int64_t>(
                "SELECT count(*) FROM mizan_sessions WHERE key = 'secret-cookie-value'"),
            0);
  EXPECT_EQ(
      database.connection().scalar<std::int64_t>(
          "SELECT count(*) FROM mizan_sessions WHERE key = ?", session_key("secret-cookie-value")),
      1);
}

// Both stores answer load_signed_in alike: the memory store by the default
// (load, then the user), the SQLite store by one joined query.
TEST(SessionStore, SignedInSessionsComeWithTheirUserInBothStores) {
  mizan::db::database database("sqlite::memory:");
  mizan::db::migrate(database, framework_migrations());
  auto& db = database.connection();
  db.exec(
      "INSERT INTO mizan_users (id, username, email, is_staff, password_hash, created_at) VALUES "
      "(7, 'ann', 'ann@example.com', 1, 'x', 'now'), (8, 'bob', '', 0, 'x', 'now')");
  auto sqlite_store = make_sqlite_session_store(database);
  auto memory_store = make_memory_session_store();
  for (auto* store : {sqlite_store.get(), memory_store.get()}) {
    store->save("ann-session", {7, "tok-a", 1000});
    store->save("bob-session", {8, "tok-b", 1000});
    const auto ann = store->load_signed_in(db, "ann-session", 999);
    ASSERT_TRUE(ann);
    EXPECT_EQ(ann->record.user_id, 7);
    EXPECT_EQ(ann->record.csrf_token, "tok-a");
    EXPECT_EQ(ann->record.expires_at, 1000);
    EXPECT_EQ(ann->user.id, 7);
    EXPECT_EQ(ann->user.username, "ann");
    EXPECT_EQ(ann->user.email, "ann@example.com");
    EXPECT_TRUE(ann->user.is_staff);
    EXPECT_FALSE(ann->user.is_superuser);
    EXPECT_FALSE(store->load_signed_in(db, "ann-session", 1000)) << "expired";
    EXPECT_FALSE(store->load_signed_in(db, "nobody", 0));
    EXPECT_TRUE(store->load_signed_in(db, "bob-session", 0));
  }
  // A session whose user is gone signs nobody in.
  db.exec("DELETE FROM mizan_users WHERE id = 8");
  EXPECT_FALSE(sqlite_store->load_signed_in(db, "bob-session", 0));
  EXPECT_FALSE(memory_store->load_signed_in(db, "bob-session", 0));
}

TEST(SessionStore, MemoryStoreIsSafeUnderConcurrentUse) {
  auto store = make_memory_session_store();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        const auto id = std::to_string(t) + ":" + std::to_string(i);
        store->save(id, {t, "x", 100});
        EXPECT_EQ(store->load(id, 0)->user_id, t);
      }
    });
  }
  for (auto& th : threads) th.join();
}

}  // namespace
