// redis_store against servers of each test's own (none listening, frozen,
// or filled with a million keys), so that they slow and disturb nobody.
#include "cache/redis_store.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "cache/redis_store_test_support.hpp"
#include "redis/test_server.hpp"

namespace mizan::cache {
namespace {

using namespace std::chrono_literals;
using namespace mizan::cache::test;
using params::invalidation_entry;
using steady = std::chrono::steady_clock;

TEST(RedisStoreFaults, FailsOpenWithoutRedis) {
  redis::config c;
  c.host = "127.0.0.1";
  c.port = redis::test::free_port();  // nothing listens
  c.connect_timeout = 200ms;
  redis::endpoint redis(c);
  redis_store s(redis);
  const auto start = steady::now();
  s.put("a", meta("c"), response("a"), 10s);
  EXPECT_EQ(s.get("a"), std::nullopt);
  s.purge(invalidation_entry{"c", {{"id", "1"}}});
  s.clear();
  EXPECT_LT(ms_since(start), 1000);
  EXPECT_EQ(s.lost(), 2u);
}

// A purge that never reached Redis (the breaker was open) leaves the entry
// there; once Redis answers again, the store moves the generation before it
// serves anything, so the entry it should have purged is never served.
TEST(RedisStoreFaults, LostPurgeStartsTheCacheColdNotStale) {
  redis::test::private_server server;
  redis::config c = server.tcp();
  c.command_timeout = 100ms;
  redis::endpoint redis(c, {.failure_threshold = 2, .backoff_min = 50ms, .backoff_max = 100ms});
  redis_store s(redis);
  s.put("doomed", meta("todo", {{"id", "5"}}), response("stale"), 60s);
  s.put("bystander", meta("todos"), response("fine"), 60s);
  EXPECT_EQ(body_of(s, "doomed"), "stale");

  server.freeze();
  while (redis.healthy()) s.get("doomed");             // time-outs open the breaker
  s.purge(invalidation_entry{"todo", {{"id", "5"}}});  // refused at once: lost
  EXPECT_EQ(s.lost(), 1u);
  server.thaw();

  redis::client raw(server.tcp());
  EXPECT_EQ(raw.command("GET", "doomed").is_nil(), false);  // the purge never ran
  // Once the store's connection is out of its backoff, it serves again.
  const auto until = steady::now() + 5s;
  while (steady::now() < until && !s.get("probe")) {
    s.put("probe", meta("probe"), response("p"), 60s);
    std::this_thread::sleep_for(20ms);
  }
  ASSERT_TRUE(s.get("probe")) << "the store never reached Redis again";
  EXPECT_EQ(s.get("doomed"), std::nullopt);
  EXPECT_FALSE(raw.command("GET", "doomed").is_nil());  // still there, but of a past generation
  EXPECT_EQ(s.get("bystander"), std::nullopt);          // cold: everything goes
  const std::string generation = raw.command("GET", detail::redis_generation_key).str;
  EXPECT_FALSE(generation.empty());
  s.put("fresh", meta("todos"), response("fresh"), 60s);
  EXPECT_EQ(body_of(s, "fresh"), "fresh");
  EXPECT_EQ(body_of(s, "probe"), "p");
  // Moved once, not on every call.
  EXPECT_EQ(raw.command("GET", detail::redis_generation_key).str, generation);
}

// Fills `count` entries of `context` (params g = i % groups, h = i % 7),
// pipelined through the store's own put script.
void fill(redis::client& c, const std::string& context, int count, int groups) {
  constexpr int batch = 5000;
  for (int from = 0; from < count; from += batch) {
    redis::pipeline p;
    for (int i = from; i < std::min(count, from + batch); ++i) {
      detail::add_redis_put(
          p, "mizan:c:" + context + ":" + std::to_string(i),
          meta(context, {{"g", std::to_string(i % groups)}, {"h", std::to_string(i % 7)}}),
          response("v"), 600s);
    }
    for (const redis::reply& r : c.execute(p)) ASSERT_FALSE(r.is_error()) << r.str;
  }
}

// The same layout as `fill`, written by a loop on the server: a put script
// per entry runs at ~40 µs, a minute for a million; this takes seconds.
// The entries' values are of generation 0, as put() writes them on a fresh server.
void bulk_fill(redis::client& c, const std::string& context, int count, int groups) {
  constexpr std::string_view entries = R"(
local t = redis.call('TIME')
local ttl = tonumber(ARGV[6])
local expires = tonumber(t[1]) * 1000 + ttl
for i = tonumber(ARGV[2]), tonumber(ARGV[3]) - 1 do
  local key = ARGV[1] .. i
  redis.call('SET', key, ARGV[5], 'PX', ttl)
  redis.call('ZADD', KEYS[1], expires, key)
  redis.call('ZADD', ARGV[7] .. (i % tonumber(ARGV[4])), expires, key)
  redis.call('ZADD', ARGV[8] .. (i % 7), expires, key)
end
)";
  constexpr std::string_view sets = R"(
local t = redis.call('TIME')
local ttl = tonumber(ARGV[3])
local expires = tonumber(t[1]) * 1000 + ttl
local function listed(set)
  redis.call('ZADD', KEYS[2], expires, set)
  redis.call('PEXPIRE', set, ttl)
end
for g = 0, tonumber(ARGV[4]) - 1 do listed(ARGV[1] .. g) end
for h = 0, 6 do listed(ARGV[2] .. h) end
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('PEXPIRE', KEYS[2], ttl)
)";
  const std::string ttl = "600000";
  const std::string value = "0 3 16\n\"e\"application/jsonv";
  const std::string g = detail::redis_pair_set(context, "g", "");
  const std::string h = detail::redis_pair_set(context, "h", "");
  const std::string set = detail::redis_context_set(context);
  const std::string registry = detail::redis_pair_sets(context);
  constexpr int batch = 100'000;
  for (int from = 0; from < count; from += batch) {
    const redis::reply r = c.command("EVAL", entries, 1, set, "mizan:c:" + context + ":", from,
                                     std::min(count, from + batch), groups, value, ttl, g, h);
    ASSERT_FALSE(r.is_error()) << r.str;
  }
  const redis::reply r = c.command("EVAL", sets, 2, set, registry, g, h, ttl, groups);
  ASSERT_FALSE(r.is_error()) << r.str;
}

// The median time of scoped purges of ~10 entries each (g = 1, 2, ...).
double median_purge_ms(redis_store& s, redis::client& raw, const std::string& context, int runs) {
  std::vector<double> times;
  for (int g = 1; g <= runs; ++g) {
    const auto start = steady::now();
    s.purge(invalidation_entry{context, {{"g", std::to_string(g)}}});
    times.push_back(ms_since(start));
    EXPECT_EQ(raw.command("GET", "mizan:c:" + context + ":" + std::to_string(g)).is_nil(), true);
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

TEST(RedisStoreFaults, ScopedPurgeAmongAMillionKeysTakesMilliseconds) {
  redis::test::private_server server;
  redis::config c = server.tcp();
  c.command_timeout = 60s;  // the whole purge of a million entries holds Redis
  redis::endpoint redis(c);
  redis_store s(redis);
  redis::client raw(c);

  s.put("warm-up", meta("small"), response("v"), 1ms);  // loads the put script
  auto start = steady::now();
  fill(raw, "small", 1000, 100);
  const double small_fill = ms_since(start);
  start = steady::now();
  bulk_fill(raw, "big", 1'000'000, 100'000);
  const double big_fill = ms_since(start);
  // What bulk_fill wrote reads as what put() writes.
  ASSERT_EQ(body_of(s, "mizan:c:big:5"), "v");
  EXPECT_EQ(s.get("mizan:c:big:5")->content_type, "application/json");
  ASSERT_EQ(raw.command("ZCARD", detail::redis_context_set("big")).integer, 1'000'000);
  EXPECT_EQ(raw.command("ZCARD", detail::redis_pair_set("big", "g", "1")).integer, 10);

  const double small_ms = median_purge_ms(s, raw, "small", 9);
  const double big_ms = median_purge_ms(s, raw, "big", 9);
  start = steady::now();
  s.purge(invalidation_entry{"big", {{"g", "42"}, {"h", std::to_string(42 % 7)}}});
  const double two_params_ms = ms_since(start);
  EXPECT_TRUE(raw.command("GET", "mizan:c:big:42").is_nil());
  EXPECT_FALSE(raw.command("GET", "mizan:c:big:43").is_nil());
  EXPECT_EQ(raw.command("ZCARD", detail::redis_context_set("big")).integer,
            999'908);  // 9 × 10, then g=42 with h=0: j = 0 and 7

  start = steady::now();
  s.purge({"big", {}});
  const double whole_ms = ms_since(start);
  EXPECT_EQ(raw.command("EXISTS", detail::redis_context_set("big"), detail::redis_pair_sets("big"),
                        detail::redis_pair_set("big", "h", "1"), "mizan:c:big:43")
                .integer,
            0);
  EXPECT_EQ(s.lost(), 0u);
  std::printf(
      "fill: 1,000 keys %.0f ms, 1,000,000 keys %.0f ms\n"
      "scoped purge of 10 entries (median of 9): among 1,000 keys %.2f ms, "
      "among 1,000,000 keys %.2f ms\n"
      "scoped purge by two params among 1,000,000 keys: %.2f ms\n"
      "whole purge of 1,000,000 entries: %.0f ms\n",
      small_fill, big_fill, small_ms, big_ms, two_params_ms, whole_ms);
  EXPECT_LT(big_ms, 50);
  EXPECT_LT(two_params_ms, 50);
  // Independent of the keyspace: a thousand times more keys, not a thousand
  // times slower (a round trip dominates both; generous for a loaded machine).
  EXPECT_LT(big_ms, 5 * small_ms + 5);
}

}  // namespace
}  // namespace mizan::cache
