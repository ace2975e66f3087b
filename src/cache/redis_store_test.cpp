// redis_store against the ctest run's redis-server (the `redis` fixture),
// each test on a database of its own, flushed first (the redis module's
// tests use dbs 0, 1 and 5 with keys of their own). Outages and a million
// keys: redis_store_faults_test.cpp.
#include "cache/redis_store.hpp"

#include <gtest/gtest.h>

#include <chrono>
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

// The shared server, database `db`, emptied.
redis::config live(int db) {
  redis::config c = redis::test::shared_tcp();
  c.db = db;
  redis::client(c).command("FLUSHDB");
  return c;
}

TEST(RedisStoreLive, StoresBinaryBodiesAndReplaces) {
  redis::endpoint redis(live(6));
  redis_store s(redis);
  EXPECT_FALSE(s.nonblocking());
  EXPECT_EQ(s.get("mizan:c:todos:1"), std::nullopt);
  const std::string binary("a\0b\r\n\xff\x00 9 9\n", 11);
  s.put("mizan:c:todos:1", meta("todos"), response(binary, "W/\"v 1\"", "text/x; a=b"), 10s);
  const auto hit = s.get("mizan:c:todos:1");
  ASSERT_TRUE(hit);
  EXPECT_EQ(*hit->body, binary);
  EXPECT_EQ(hit->etag, "W/\"v 1\"");
  EXPECT_EQ(hit->content_type, "text/x; a=b");

  s.put("mizan:c:todos:1", meta("todos"), response(""), 10s);  // an empty body too
  EXPECT_EQ(body_of(s, "mizan:c:todos:1"), "");
  s.put("mizan:c:todos:1", meta("todos"), response("[1]"), 10s);
  EXPECT_EQ(body_of(s, "mizan:c:todos:1"), "[1]");
  redis::client raw(redis.settings());
  EXPECT_GT(raw.command("PTTL", "mizan:c:todos:1").integer, 9000);
}

TEST(RedisStoreLive, ExpiresWithItsTtl) {
  redis::endpoint redis(live(7));
  redis_store s(redis);
  s.put("k", meta("c"), response("short"), 50ms);
  s.put("long", meta("c"), response("long"), 10s);
  EXPECT_EQ(body_of(s, "k"), "short");
  std::this_thread::sleep_for(120ms);
  EXPECT_EQ(s.get("k"), std::nullopt);
  EXPECT_EQ(body_of(s, "long"), "long");
  // A ttl of zero stores nothing and drops the old entry.
  s.put("long", meta("c"), response("x"), 0ms);
  EXPECT_EQ(s.get("long"), std::nullopt);
}

TEST(RedisStoreLive, PurgesAWholeContextInEveryScope) {
  redis::endpoint redis(live(8));
  redis_store s(redis);
  s.put("a", meta("todos", {}, "public"), response("a"), 10s);
  s.put("b", meta("todos", {{"id", "1"}}, "user:7"), response("b"), 10s);
  s.put("c", meta("todos2"), response("c"), 10s);
  s.purge({"todos", {}});
  EXPECT_EQ(s.get("a"), std::nullopt);
  EXPECT_EQ(s.get("b"), std::nullopt);
  EXPECT_EQ(body_of(s, "c"), "c");
  s.purge({"unknown", {}});
  EXPECT_EQ(body_of(s, "c"), "c");
  // The bookkeeping of the purged context is gone with it.
  redis::client raw(redis.settings());
  EXPECT_EQ(
      raw.command("EXISTS", detail::redis_context_set("todos"), detail::redis_pair_sets("todos"),
                  detail::redis_pair_set("todos", "id", "1"))
          .integer,
      0);
  EXPECT_EQ(s.lost(), 0u);
}

TEST(RedisStoreLive, PurgesByOneAndTwoParamsInEveryScope) {
  redis::endpoint redis(live(9));
  redis_store s(redis);
  s.put("p5", meta("todo", {{"id", "5"}}, "public"), response("p5"), 10s);
  s.put("u5", meta("todo", {{"id", "5"}}, "user:1"), response("u5"), 10s);
  s.put("p6", meta("todo", {{"id", "6"}}), response("p6"), 10s);
  s.put("o5", meta("other", {{"id", "5"}}), response("o5"), 10s);
  s.purge(invalidation_entry{"todo", {{"id", "5"}}});
  EXPECT_EQ(s.get("p5"), std::nullopt);
  EXPECT_EQ(s.get("u5"), std::nullopt);
  EXPECT_EQ(body_of(s, "p6"), "p6");
  EXPECT_EQ(body_of(s, "o5"), "o5");

  s.put("ab", meta("todo", {{"a", "1"}, {"b", "2"}}), response("ab"), 10s);
  s.put("ab-user", meta("todo", {{"a", "1"}, {"b", "2"}}, "user:9"), response("ab-user"), 10s);
  s.put("a", meta("todo", {{"a", "1"}}), response("a"), 10s);
  s.put("abc", meta("todo", {{"a", "1"}, {"b", "2"}, {"c", "3"}}), response("abc"), 10s);
  s.purge(invalidation_entry{"todo", {{"a", "1"}, {"b", "3"}}});  // none has b=3
  EXPECT_EQ(body_of(s, "ab"), "ab");
  s.purge(invalidation_entry{"todo", {{"a", "1"}, {"b", "2"}}});
  EXPECT_EQ(s.get("ab"), std::nullopt);
  EXPECT_EQ(s.get("ab-user"), std::nullopt);
  EXPECT_EQ(s.get("abc"), std::nullopt);
  EXPECT_EQ(body_of(s, "a"), "a");
  EXPECT_EQ(body_of(s, "p6"), "p6");
  // A purge of a param no entry has, and of an unknown context, drop nothing.
  s.purge(invalidation_entry{"todo", {{"zz", "1"}}});
  s.purge(invalidation_entry{"nothing", {{"a", "1"}}});
  EXPECT_EQ(body_of(s, "a"), "a");
  // Re-stored after a purge, an entry is found by the next purge.
  s.put("p5", meta("todo", {{"id", "5"}}), response("p5 again"), 10s);
  EXPECT_EQ(body_of(s, "p5"), "p5 again");
  s.purge(invalidation_entry{"todo", {{"id", "5"}}});
  EXPECT_EQ(s.get("p5"), std::nullopt);
}

TEST(RedisStoreLive, SeparatorsInNamesCannotMixIndexes) {
  redis::endpoint redis(live(10));
  redis_store s(redis);
  // Without the lengths, both would index under `mizan:i:a:b=c=d`-like names.
  s.put("x", meta("a", {{"b=c", "d"}}), response("x"), 10s);
  s.put("y", meta("a", {{"b", "c=d"}}), response("y"), 10s);
  s.put("z", meta("a:b", {{"c", "d"}}), response("z"), 10s);
  EXPECT_NE(detail::redis_pair_set("a", "b=c", "d"), detail::redis_pair_set("a", "b", "c=d"));
  s.purge(invalidation_entry{"a", {{"b", "c=d"}}});
  EXPECT_EQ(body_of(s, "x"), "x");
  EXPECT_EQ(s.get("y"), std::nullopt);
  EXPECT_EQ(body_of(s, "z"), "z");
  s.purge({"a", {}});
  EXPECT_EQ(s.get("x"), std::nullopt);
  EXPECT_EQ(body_of(s, "z"), "z");
}

TEST(RedisStoreLive, ClearDropsEveryEntryForEveryStore) {
  redis::endpoint redis(live(11));
  redis_store s(redis);
  redis_store other(redis);  // another process on the same Redis
  s.put("a", meta("one"), response("a"), 10s);
  other.put("b", meta("two", {{"id", "1"}}), response("b"), 10s);
  EXPECT_EQ(body_of(other, "a"), "a");
  s.clear();
  EXPECT_EQ(s.get("a"), std::nullopt);
  EXPECT_EQ(other.get("b"), std::nullopt);
  s.put("a", meta("one"), response("new"), 10s);
  EXPECT_EQ(body_of(other, "a"), "new");
}

TEST(RedisStoreLive, BookkeepingHoldsOnlyLiveEntries) {
  redis::endpoint redis(live(12));
  redis_store s(redis);
  for (int i = 0; i < 300; ++i) {
    s.put("k" + std::to_string(i), meta("c", {{"id", std::to_string(i)}, {"g", "1"}}),
          response("v"), 50ms);
  }
  redis::client raw(redis.settings());
  // Fewer when the first ones expired (and were pruned) while the last were put.
  EXPECT_GT(raw.command("ZCARD", detail::redis_context_set("c")).integer, 0);
  std::this_thread::sleep_for(120ms);
  s.put("last", meta("c", {{"id", "last"}, {"g", "1"}}), response("v"), 10s);
  EXPECT_EQ(raw.command("ZCARD", detail::redis_context_set("c")).integer, 1);
  EXPECT_EQ(raw.command("ZCARD", detail::redis_pair_set("c", "g", "1")).integer, 1);
  EXPECT_EQ(raw.command("ZCARD", detail::redis_pair_sets("c")).integer, 2);  // id=last, g=1
  EXPECT_EQ(raw.command("EXISTS", detail::redis_pair_set("c", "id", "0")).integer, 0);
  // Nothing else of the expired entries is left (DBSIZE would still count
  // keys expired but not yet reclaimed; EXISTS does not).
  redis::pipeline left;
  for (int i = 0; i < 300; ++i) {
    left.add("EXISTS", "k" + std::to_string(i),
             detail::redis_pair_set("c", "id", std::to_string(i)));
  }
  for (const redis::reply& r : raw.execute(left)) EXPECT_EQ(r.integer, 0);
  // The index sets live as long as their longest entry, no shorter.
  EXPECT_GT(raw.command("PTTL", detail::redis_context_set("c")).integer, 9000);
  EXPECT_GT(raw.command("PTTL", detail::redis_pair_set("c", "g", "1")).integer, 9000);
}

TEST(RedisStoreLive, RecoversFromAScriptFlush) {
  redis::endpoint redis(live(13));
  redis_store s(redis);
  s.put("a", meta("c", {{"id", "1"}}), response("a"), 10s);
  redis::client(redis.settings()).command("SCRIPT", "FLUSH");  // as after a restart
  s.put("b", meta("c", {{"id", "1"}}), response("b"), 10s);
  EXPECT_EQ(body_of(s, "b"), "b");
  redis::client(redis.settings()).command("SCRIPT", "FLUSH");
  s.purge(invalidation_entry{"c", {{"id", "1"}}});
  EXPECT_EQ(s.get("a"), std::nullopt);
  EXPECT_EQ(s.get("b"), std::nullopt);
  EXPECT_EQ(s.lost(), 0u);
}

}  // namespace
}  // namespace mizan::cache
