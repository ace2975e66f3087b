// The subscriber: messages published by a client arrive; after CLIENT KILL
// TYPE pubsub, a killed server or a frozen one it resubscribes and calls
// on_reconnect; it stops promptly.
#include "redis/subscriber.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "redis/client.hpp"
#include "redis/test_server.hpp"

namespace mizan::redis {
namespace {

using namespace std::chrono_literals;
using clock = std::chrono::steady_clock;

struct inbox {
  std::mutex mutex;
  std::vector<std::pair<std::string, std::string>> messages;
  std::atomic<int> reconnects{0};

  subscriber::message_handler on_message() {
    return [this](std::string_view ch, std::string_view msg) {
      const std::scoped_lock lock(mutex);
      messages.emplace_back(ch, msg);
    };
  }
  subscriber::reconnect_handler on_reconnect() {
    return [this] { ++reconnects; };
  }
  std::size_t size() {
    const std::scoped_lock lock(mutex);
    return messages.size();
  }
};

template <class F>
bool wait_until(F done, std::chrono::milliseconds within = 5s) {
  const auto until = clock::now() + within;
  while (!done()) {
    if (clock::now() > until) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

const subscriber::options quick{.ping_interval = 200ms,
                                .retry = {.backoff_min = 20ms, .backoff_max = 200ms}};

TEST(RedisLiveSubscriber, ReceivesAndResubscribesAfterClientKill) {
  const std::string ch = "mizan-test-" + std::to_string(::getpid());
  inbox box;
  subscriber sub(test::shared_tcp(), {ch, ch + "-2"}, box.on_message(), box.on_reconnect(), quick);
  ASSERT_TRUE(wait_until([&] { return sub.subscribed(); })) << sub.last_error();
  client pub(test::shared_tcp());
  EXPECT_EQ(pub.command("PUBLISH", ch, std::string("a\0b", 3)).integer, 1);
  EXPECT_EQ(pub.command("PUBLISH", ch + "-2", "second").integer, 1);
  ASSERT_TRUE(wait_until([&] { return box.size() == 2; }));
  {
    const std::scoped_lock lock(box.mutex);
    EXPECT_EQ(box.messages[0], std::make_pair(ch, std::string("a\0b", 3)));
    EXPECT_EQ(box.messages[1].second, "second");
  }
  EXPECT_EQ(box.reconnects, 0);

  // Other tests' subscribers share the server: kill this one only.
  const reply clients = pub.command("CLIENT", "LIST", "TYPE", "pubsub");
  ASSERT_GE(pub.command("CLIENT", "KILL", "TYPE", "pubsub", "SKIPME", "yes").integer, 1)
      << clients.str;
  ASSERT_TRUE(wait_until([&] { return box.reconnects == 1 && sub.subscribed(); }))
      << sub.last_error();
  EXPECT_EQ(sub.disconnects(), 1u);
  EXPECT_EQ(pub.command("PUBLISH", ch, "after").integer, 1);
  ASSERT_TRUE(wait_until([&] { return box.size() == 3; }));
}

TEST(RedisLiveSubscriber, StopsPromptly) {
  inbox box;
  auto sub = std::make_unique<subscriber>(test::shared_tcp(), std::vector<std::string>{"x"},
                                          box.on_message(), box.on_reconnect());
  ASSERT_TRUE(wait_until([&] { return sub->subscribed(); })) << sub->last_error();
  const auto start = clock::now();
  sub.reset();
  EXPECT_LT(clock::now() - start, 200ms);
}

TEST(RedisFaultsSubscriber, FrozenServerIsNoticedByPing) {
  test::private_server server;
  config c = server.tcp();
  c.command_timeout = 200ms;
  c.connect_timeout = 200ms;
  inbox box;
  subscriber sub(c, {"inv"}, box.on_message(), box.on_reconnect(), quick);
  ASSERT_TRUE(wait_until([&] { return sub.subscribed(); })) << sub.last_error();
  server.freeze();
  // Quiet for ping_interval, then no PONG within command_timeout.
  EXPECT_TRUE(wait_until([&] { return !sub.subscribed(); }, 1500ms));
  EXPECT_NE(sub.last_error().find("PONG"), std::string::npos) << sub.last_error();
  server.thaw();
  ASSERT_TRUE(wait_until([&] { return box.reconnects == 1 && sub.subscribed(); }))
      << sub.last_error();
  client pub(server.tcp());
  EXPECT_EQ(pub.command("PUBLISH", "inv", "back").integer, 1);
  EXPECT_TRUE(wait_until([&] { return box.size() == 1; }));
}

TEST(RedisFaultsSubscriber, KilledServerThenRestartedResubscribes) {
  auto server = std::make_unique<test::private_server>();
  const config c = server->tcp();
  inbox box;
  subscriber sub(c, {"inv"}, box.on_message(), box.on_reconnect(), quick);
  ASSERT_TRUE(wait_until([&] { return sub.subscribed(); })) << sub.last_error();
  server->kill();
  EXPECT_TRUE(wait_until([&] { return !sub.subscribed(); }, 1s));
  std::this_thread::sleep_for(300ms);  // a few failed reconnections
  EXPECT_EQ(box.reconnects, 0);
  server->start();
  ASSERT_TRUE(wait_until([&] { return box.reconnects == 1 && sub.subscribed(); }))
      << sub.last_error();
  EXPECT_EQ(sub.disconnects(), 1u);
  // Stopping while the server is down is prompt too.
  server->kill();
  EXPECT_TRUE(wait_until([&] { return !sub.subscribed(); }, 1s));
}

}  // namespace
}  // namespace mizan::redis
