// fill_ticket, for both stores: a value computed before a purge is not
// stored after it, however its put() and the purge interleave. The Redis
// cases (RedisStoreLive*) use the ctest run's redis-server, database 14.
#include "cache/memory_store.hpp"
#include "cache/redis_store.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "redis/test_server.hpp"

namespace mizan::cache {
namespace {

using namespace std::chrono_literals;

cached_response response(std::string body) {
  return {std::make_shared<const std::string>(std::move(body)), "\"e\"", "application/json"};
}

entry_meta meta(std::string context, std::vector<std::pair<std::string, std::string>> params = {}) {
  return {std::move(context), std::move(params), "public"};
}

bool cached(store& s, std::string_view key) {
  return s.get(key).has_value();
}

// The contract, run against either store.
void refuses_fills_across_purges(store& s) {
  // No purge in between: stored.
  auto t = s.ticket("todos");
  s.put("mizan:c:todos:1", meta("todos"), response("[1]"), 10s, t);
  EXPECT_TRUE(cached(s, "mizan:c:todos:1"));

  // A purge of the context between the ticket and the put: not stored.
  t = s.ticket("todos");
  s.purge(params::make_entry("todos"));
  s.put("mizan:c:todos:1", meta("todos"), response("[old]"), 10s, t);
  EXPECT_FALSE(cached(s, "mizan:c:todos:1"));

  // A scoped purge counts too, even of params the entry does not have.
  t = s.ticket("todo");
  s.purge(params::make_entry("todo", {{"id", 9}}));
  s.put("mizan:c:todo:1", meta("todo", {{"id", "1"}}), response("{}"), 10s, t);
  EXPECT_FALSE(cached(s, "mizan:c:todo:1"));

  // Another context's purge does not matter.
  t = s.ticket("todos");
  s.purge(params::make_entry("stats"));
  s.put("mizan:c:todos:1", meta("todos"), response("[2]"), 10s, t);
  EXPECT_TRUE(cached(s, "mizan:c:todos:1"));

  // A clear between the ticket and the put: not stored.
  t = s.ticket("todos");
  s.clear();
  s.put("mizan:c:todos:2", meta("todos"), response("[3]"), 10s, t);
  EXPECT_FALSE(cached(s, "mizan:c:todos:2"));

  // get() with a ticket: the ticket it returns is the one taken before it.
  fill_ticket seen;
  EXPECT_FALSE(s.get("mizan:c:todos:3", "todos", seen).has_value());
  EXPECT_EQ(seen, s.ticket("todos"));
  s.put("mizan:c:todos:3", meta("todos"), response("[4]"), 10s, seen);
  fill_ticket again;
  const auto hit = s.get("mizan:c:todos:3", "todos", again);
  ASSERT_TRUE(hit);
  EXPECT_EQ(*hit->body, "[4]");
}

TEST(MemoryStore, TicketsRefuseFillsAcrossPurges) {
  memory_store s;
  refuses_fills_across_purges(s);
}

TEST(RedisStoreLive, TicketsRefuseFillsAcrossPurges) {
  redis::config c = redis::test::shared_tcp();
  c.db = 14;
  redis::client(c).command("FLUSHDB");
  redis::endpoint redis(c);
  redis_store s(redis);
  refuses_fills_across_purges(s);
}

TEST(RedisStoreFaults, ATicketReadWithoutRedisMatchesNothing) {
  redis::test::private_server server;
  redis::config c = server.tcp();
  c.connect_timeout = 200ms;
  c.command_timeout = 200ms;
  redis::endpoint redis(c, redis::retry_policy{3, 1ms, 1ms});
  redis_store s(redis);
  server.kill();
  const fill_ticket t = s.ticket("todos");
  server.start();
  // Redis is back, empty: a put with the ticket read while it was down must
  // not land (its value may predate a purge that was lost meanwhile).
  std::this_thread::sleep_for(20ms);  // past the client's backoff
  s.put("mizan:c:todos:1", meta("todos"), response("[1]"), 10s, t);
  EXPECT_FALSE(cached(s, "mizan:c:todos:1"));
  // While a ticket read now works.
  s.put("mizan:c:todos:1", meta("todos"), response("[1]"), 10s, s.ticket("todos"));
  EXPECT_TRUE(cached(s, "mizan:c:todos:1"));
}

}  // namespace
}  // namespace mizan::cache
