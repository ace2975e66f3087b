// Faults on servers of the test's own (test_server.hpp): a frozen server
// (SIGSTOP) must make calls fail within the command timeout, never hang; a
// killed one must open the breaker, and both must be used again once back.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "redis/client.hpp"
#include "redis/endpoint.hpp"
#include "redis/test_server.hpp"

namespace mizan::redis {
namespace {

using namespace std::chrono_literals;
using clock = std::chrono::steady_clock;

constexpr retry_policy fast{.failure_threshold = 3, .backoff_min = 20ms, .backoff_max = 200ms};

// Calls until the breaker opens (each connection backs off between its own
// attempts, and calls in that backoff do not count: they were not made).
void until_open(endpoint& e, std::chrono::milliseconds within) {
  const auto until = clock::now() + within;
  while (e.healthy() && clock::now() < until) {
    try {
      e.command("PING");
    } catch (const unavailable&) {
    }
    std::this_thread::sleep_for(10ms);
  }
}

// Retries until the command succeeds or `within` has passed.
reply eventually(endpoint& e, std::chrono::milliseconds within) {
  const auto until = clock::now() + within;
  while (true) {
    try {
      return e.command("PING");
    } catch (const unavailable&) {
      if (clock::now() > until) throw;
      std::this_thread::sleep_for(10ms);
    }
  }
}

TEST(RedisFaults, PasswordOnlyAuth) {
  test::private_server server({"--requirepass", "pa:ss@word"});
  config c = parse_url("redis://:pa%3Ass%40word@127.0.0.1:" + std::to_string(server.port()));
  client good(c);
  EXPECT_EQ(good.command("PING").str, "PONG");
  c.password.clear();
  client none(c);
  EXPECT_TRUE(none.command("GET", "k").is_error());  // NOAUTH, an error reply
}

TEST(RedisFaults, FrozenServerFailsWithinTheCommandTimeout) {
  test::private_server server;
  config c = server.tcp();
  c.command_timeout = 300ms;
  endpoint e(c, fast);
  ASSERT_EQ(e.command("PING").str, "PONG");
  server.freeze();
  const auto start = clock::now();
  EXPECT_THROW(e.command("PING"), unavailable);
  const auto took = clock::now() - start;
  EXPECT_GE(took, 250ms);
  EXPECT_LT(took, 300ms + 250ms);
  EXPECT_EQ(e.outages(), 1u);  // the connection was lost
  // Reconnects succeed (the kernel still accepts) but go unanswered: the
  // breaker opens after three failures, then calls fail at once.
  until_open(e, 3s);
  EXPECT_FALSE(e.healthy());
  const auto fast_start = clock::now();
  EXPECT_THROW(e.command("PING"), unavailable);
  EXPECT_LT(clock::now() - fast_start, 50ms);
  EXPECT_GE(e.outages(), 2u);

  server.thaw();
  EXPECT_EQ(eventually(e, 3s).str, "PONG");
  EXPECT_TRUE(e.healthy());
}

TEST(RedisFaults, ClientPauseIsATimeoutToo) {
  test::private_server server;
  config c = server.tcp();
  c.command_timeout = 200ms;
  client admin(server.tcp());
  client paused(c);
  ASSERT_EQ(paused.command("SET", "k", "v").str, "OK");
  ASSERT_EQ(admin.command("CLIENT", "PAUSE", 500, "ALL").str, "OK");  // admin's too
  const auto start = clock::now();
  EXPECT_THROW(paused.command("GET", "k"), unavailable);
  EXPECT_LT(clock::now() - start, 200ms + 250ms);
  std::this_thread::sleep_for(400ms);  // past the pause and the client's backoff
  EXPECT_EQ(paused.command("GET", "k").str, "v");
}

TEST(RedisFaults, KilledServerOpensTheBreakerAndRecoversOnRestart) {
  test::private_server server;
  config c = server.tcp();
  c.connect_timeout = 300ms;
  c.command_timeout = 300ms;
  endpoint e(c, fast);
  ASSERT_EQ(e.command("SET", "k", "v").str, "OK");
  server.kill();
  until_open(e, 2s);
  EXPECT_FALSE(e.healthy());
  EXPECT_GE(e.outages(), 2u);  // the lost connection, the breaker opening
  // While down, every call fails at once.
  const auto start = clock::now();
  for (int i = 0; i < 20; ++i) EXPECT_THROW(e.command("PING"), unavailable);
  EXPECT_LT(clock::now() - start, 100ms);

  const auto outages = e.outages();
  server.start();  // same port, empty (nothing is saved)
  EXPECT_EQ(eventually(e, 3s).str, "PONG");
  EXPECT_TRUE(e.healthy());
  EXPECT_EQ(e.outages(), outages);
  EXPECT_TRUE(e.command("GET", "k").is_nil());
}

TEST(RedisFaults, RefusedConnectFailsFast) {
  const int port = test::free_port();  // nothing listens there
  config c;
  c.host = "127.0.0.1";
  c.port = port;
  client nobody(c, fast);
  const auto start = clock::now();
  EXPECT_THROW(nobody.command("PING"), unavailable);
  EXPECT_THROW(nobody.command("PING"), unavailable);  // backoff: not even tried
  EXPECT_LT(clock::now() - start, 100ms);
}

}  // namespace
}  // namespace mizan::redis
