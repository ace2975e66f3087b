// The token table on both engines: single use under concurrency, expiry,
// the per-address count, and a password change retiring reset links.
#include "accounts/tokens.hpp"

#include "db/test_support.hpp"
#include "mizan/users.hpp"
#include "server/app/services.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace {

using namespace mizan;
using namespace mizan::accounts;

class AccountTokensDb : public ::testing::TestWithParam<db_test::engine> {
 protected:
  void SetUp() override {
    users::use_fast_hashing_for_tests();
    db::migrate(database, server::framework_migrations());
    user = users::create(database.connection(), {"ann", "ann@example.com", "correct horse"}).id;
  }
  db_test::fresh_database fresh{GetParam()};
  db::database database{fresh.url()};
  std::int64_t user = 0;
};

TEST_P(AccountTokensDb, ATokenIsTakenOnceAndStoredOnlyAsItsHash) {
  auto& c = database.connection();
  const auto token = tokens::issue(c, user, "reset", "ann@example.com", 3600, 1000);
  EXPECT_EQ(c.scalar<std::int64_t>("SELECT count(*) FROM mizan_account_tokens WHERE hash = ?",
                                   tokens::hash(token)),
            1);
  EXPECT_EQ(
      c.scalar<std::int64_t>("SELECT count(*) FROM mizan_account_tokens WHERE hash = ?", token), 0);
  EXPECT_FALSE(tokens::consume(c, token, "verify", 1001)) << "another purpose";
  const auto used = tokens::consume(c, token, "reset", 1001);
  ASSERT_TRUE(used);
  EXPECT_EQ(used->user_id, user);
  EXPECT_EQ(used->email, "ann@example.com");
  EXPECT_FALSE(tokens::consume(c, token, "reset", 1002)) << "used";
}

TEST_P(AccountTokensDb, AnExpiredTokenIsRefused) {
  auto& c = database.connection();
  const auto token = tokens::issue(c, user, "reset", "ann@example.com", 60, 1000);
  EXPECT_FALSE(tokens::consume(c, token, "reset", 1060));
}

TEST_P(AccountTokensDb, OfConcurrentUsesExactlyOneSucceeds) {
  const auto token =
      tokens::issue(database.connection(), user, "reset", "ann@example.com", 3600, 1000);
  std::atomic<int> won{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      while (!go) std::this_thread::yield();
      auto& c = database.connection();  // this thread's own
      c.transaction([&] {
        if (tokens::consume(c, token, "reset", 1001)) ++won;
      });
      database.release_connection();
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(won, 1);
}

TEST_P(AccountTokensDb, RecentCountsOneAddressInAnyCaseAndPrunesOnlyPastTheWindow) {
  auto& c = database.connection();
  tokens::issue(c, user, "reset", "ann@example.com", 60, 1000);
  tokens::issue(c, user, "reset", "ANN@example.com", 60, 1100);
  tokens::issue(c, user, "verify", "ann@example.com", 60, 1100);
  EXPECT_EQ(tokens::recent(c, "reset", "Ann@Example.com", 3600, 1200), 2) << "expired still count";
  EXPECT_EQ(tokens::recent(c, "reset", "ann@example.com", 3600, 4650), 1);
  EXPECT_EQ(c.scalar<std::int64_t>("SELECT count(*) FROM mizan_account_tokens"), 2)
      << "the first, expired and out of the window, is pruned";
}

TEST_P(AccountTokensDb, SettingAPasswordRetiresResetTokensOnly) {
  auto& c = database.connection();
  const auto reset = tokens::issue(c, user, "reset", "ann@example.com", 3600, 1000);
  const auto verify = tokens::issue(c, user, "verify", "ann@example.com", 3600, 1000);
  users::set_password(c, user, "another passphrase");
  EXPECT_FALSE(tokens::consume(c, reset, "reset", 1001));
  EXPECT_TRUE(tokens::consume(c, verify, "verify", 1001));
}

INSTANTIATE_TEST_SUITE_P(Engines, AccountTokensDb, db_test::engines(), db_test::engine_name);

}  // namespace
