#include "cache/memory_store.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

using namespace mizan::cache;
using namespace std::chrono_literals;
using mizan::params::invalidation_entry;

namespace {

struct fake_clock {
  std::chrono::steady_clock::time_point now{};
  std::function<std::chrono::steady_clock::time_point()> fn() {
    return [this] { return now; };
  }
};

cached_response response(std::string body, std::string etag = "\"e\"") {
  return {std::make_shared<const std::string>(std::move(body)), std::move(etag),
          "application/json"};
}

entry_meta meta(std::string context, std::vector<std::pair<std::string, std::string>> params = {},
                std::string scope = "public") {
  return {std::move(context), std::move(params), std::move(scope)};
}

std::string body_of(memory_store& store, std::string_view key) {
  const auto hit = store.get(key);
  return hit && hit->body ? *hit->body : "<miss>";
}

}  // namespace

TEST(MemoryStore, StoresAndReplaces) {
  memory_store store;
  EXPECT_EQ(store.get("k"), std::nullopt);
  store.put("k", meta("todos"), response("[1]", "\"v1\""), 1s);
  const auto hit = store.get("k");
  ASSERT_TRUE(hit);
  EXPECT_EQ(*hit->body, "[1]");
  EXPECT_EQ(hit->etag, "\"v1\"");
  EXPECT_EQ(hit->content_type, "application/json");

  store.put("k", meta("todos"), response("[1,2]"), 1s);
  EXPECT_EQ(body_of(store, "k"), "[1,2]");
  EXPECT_EQ(store.size(), 1u);
  EXPECT_EQ(store.bytes(), memory_store::charge("k", meta("todos"), response("[1,2]")));
}

TEST(MemoryStore, HitsShareTheStoredBody) {
  memory_store store;
  auto value = response(std::string(1000, 'x'));
  const auto* stored = value.body.get();
  store.put("k", meta("c"), std::move(value), 1s);
  EXPECT_EQ(store.get("k")->body.get(), stored);
}

TEST(MemoryStore, EvictsLeastRecentlyUsedOverTheByteBudget) {
  const auto one = memory_store::charge("a", meta("c"), response(std::string(100, 'x')));
  memory_store store({.max_bytes = 2 * one, .shards = 1});
  store.put("a", meta("c"), response(std::string(100, 'x')), 1s);
  store.put("b", meta("c"), response(std::string(100, 'x')), 1s);
  EXPECT_EQ(store.size(), 2u);
  ASSERT_TRUE(store.get("a"));  // now "b" is the least recently used
  store.put("c", meta("c"), response(std::string(100, 'x')), 1s);
  EXPECT_EQ(store.size(), 2u);
  EXPECT_EQ(store.get("b"), std::nullopt);
  EXPECT_TRUE(store.get("a"));
  EXPECT_TRUE(store.get("c"));
  EXPECT_LE(store.bytes(), 2 * one);

  // One big entry pushes out as many small ones as it needs.
  store.put("big", meta("c"), response(std::string(100 + one / 2, 'x')), 1s);
  EXPECT_EQ(store.size(), 1u);
  EXPECT_TRUE(store.get("big"));
}

TEST(MemoryStore, RefusesAnEntryLargerThanTheBudget) {
  memory_store store({.max_bytes = 4096, .shards = 1});
  store.put("small", meta("c"), response("x"), 1s);
  store.put("huge", meta("c"), response(std::string(5000, 'x')), 1s);
  EXPECT_EQ(store.get("huge"), std::nullopt);
  EXPECT_TRUE(store.get("small"));  // not flushed by the refused entry
}

TEST(MemoryStore, EvictsOverTheEntryCount) {
  memory_store store({.max_entries = 3, .shards = 1});
  for (const char* key : {"a", "b", "c", "d"}) store.put(key, meta("c"), response(key), 1s);
  EXPECT_EQ(store.size(), 3u);
  EXPECT_EQ(store.get("a"), std::nullopt);
  EXPECT_EQ(body_of(store, "d"), "d");
}

TEST(MemoryStore, ExpiresWithTheClock) {
  fake_clock clock;
  memory_store store({.clock = clock.fn()});
  store.put("k", meta("c"), response("v"), 1000ms);
  clock.now += 999ms;
  EXPECT_EQ(body_of(store, "k"), "v");
  clock.now += 1ms;
  EXPECT_EQ(store.get("k"), std::nullopt);
  EXPECT_EQ(store.size(), 0u);  // dropped when read
  EXPECT_EQ(store.bytes(), 0u);

  // A new put restarts the time to live.
  store.put("k", meta("c"), response("v2"), 10ms);
  clock.now += 5ms;
  store.put("k", meta("c"), response("v3"), 10ms);
  clock.now += 9ms;
  EXPECT_EQ(body_of(store, "k"), "v3");
}

TEST(MemoryStore, NonPositiveTtlStoresNothingAndDropsTheOldEntry) {
  memory_store store;
  store.put("k", meta("c"), response("v"), 1s);
  store.put("k", meta("c"), response("w"), 0ms);
  EXPECT_EQ(store.get("k"), std::nullopt);
  store.put("k", meta("c"), response("w"), -5ms);
  EXPECT_EQ(store.size(), 0u);
}

TEST(MemoryStore, PurgesAWholeContextInEveryScope) {
  memory_store store;  // 16 shards: the entries spread over several
  for (int i = 0; i < 50; ++i) {
    const auto n = std::to_string(i);
    store.put("todos:" + n, meta("todos", {{"page", n}}, i % 2 ? "public" : "user:" + n),
              response(n), 1s);
    store.put("stats:" + n, meta("stats", {{"page", n}}), response(n), 1s);
  }
  store.purge({"todos", {}});
  EXPECT_EQ(store.size(), 50u);
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(store.get("todos:" + std::to_string(i)), std::nullopt);
    EXPECT_TRUE(store.get("stats:" + std::to_string(i)));
  }
  store.purge({"unknown", {}});
  EXPECT_EQ(store.size(), 50u);
}

TEST(MemoryStore, PurgesScopedEntriesByParamSubsetInEveryScope) {
  memory_store store;
  store.put("k1", meta("todo", {{"id", "5"}}, "user:1"), response("1"), 1s);
  store.put("k2", meta("todo", {{"id", "5"}}, "user:2"), response("2"), 1s);
  store.put("k3", meta("todo", {{"expand", "true"}, {"id", "5"}}, "public"), response("3"), 1s);
  store.put("k4", meta("todo", {{"id", "6"}}, "user:1"), response("4"), 1s);
  store.put("k5", meta("todo", {}, "user:1"), response("5"), 1s);
  store.put("k6", meta("todos", {{"id", "5"}}, "user:1"), response("6"), 1s);
  store.put("k7", meta("todo", {{"id", "50"}}, "user:1"), response("7"), 1s);

  store.purge(invalidation_entry{"todo", {{"id", "5"}}});
  for (const char* gone : {"k1", "k2", "k3"}) EXPECT_EQ(store.get(gone), std::nullopt) << gone;
  for (const char* kept : {"k4", "k5", "k6", "k7"}) EXPECT_TRUE(store.get(kept)) << kept;

  // Every key of the entry must match.
  store.put("k8", meta("todo", {{"a", "1"}, {"b", "2"}}), response("8"), 1s);
  store.purge(invalidation_entry{"todo", {{"a", "1"}, {"b", "3"}}});
  EXPECT_TRUE(store.get("k8"));
  store.purge(invalidation_entry{"todo", {{"a", "1"}, {"b", "2"}}});
  EXPECT_EQ(store.get("k8"), std::nullopt);
}

// Purging the head, middle and tail of one context's chain keeps the chain whole.
TEST(MemoryStore, PurgeKeepsTheContextIndexConsistent) {
  memory_store store({.shards = 1});
  for (int i = 0; i < 6; ++i) {
    store.put("k" + std::to_string(i), meta("c", {{"n", std::to_string(i % 3)}}), response("v"),
              1s);
  }
  store.purge(invalidation_entry{"c", {{"n", "0"}}});  // k0 (oldest) and k3
  EXPECT_EQ(store.size(), 4u);
  store.put("k1", meta("other"), response("moved"), 1s);  // leaves context c
  store.purge(invalidation_entry{"c", {}});
  EXPECT_EQ(store.size(), 1u);
  EXPECT_EQ(body_of(store, "k1"), "moved");
  store.put("k9", meta("c"), response("v"), 1s);  // the emptied context starts afresh
  store.purge(invalidation_entry{"c", {}});
  EXPECT_EQ(store.size(), 1u);
}

TEST(MemoryStore, Clears) {
  memory_store store;
  for (int i = 0; i < 20; ++i) store.put(std::to_string(i), meta("c"), response("v"), 1s);
  store.clear();
  EXPECT_EQ(store.size(), 0u);
  EXPECT_EQ(store.bytes(), 0u);
  EXPECT_EQ(store.get("3"), std::nullopt);
  store.put("3", meta("c"), response("again"), 1s);
  EXPECT_EQ(body_of(store, "3"), "again");
}

TEST(MemoryStore, StaysWithinBudgetUnderConcurrentUse) {
  const std::size_t budget = 64 * 1024;
  memory_store store({.max_bytes = budget, .max_entries = 200, .shards = 4});
  std::vector<std::thread> threads;
  std::atomic<int> hits{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 3000; ++i) {
        const std::string key = "k" + std::to_string((i * 7 + t) % 500);
        if (store.get(key)) ++hits;
        store.put(key, meta(i % 2 ? "a" : "b", {{"n", std::to_string(i % 5)}}),
                  response(std::string(i % 300, 'x')), 1s);
        if (i % 97 == 0) store.purge(invalidation_entry{"a", {{"n", "1"}}});
        if (i % 501 == 0) store.purge(invalidation_entry{"b", {}});
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_GT(hits.load(), 0);
  EXPECT_LE(store.bytes(), budget);
  EXPECT_LE(store.size(), 200u);
}

// The heap in use, as the allocator counts it: under ASan its own statistics
// (bytes asked for), otherwise glibc's (blocks handed out, headers included).
#if defined(__SANITIZE_ADDRESS__)
extern "C" std::size_t __sanitizer_get_current_allocated_bytes();  // ASan's runtime
std::size_t heap_in_use() {
  return __sanitizer_get_current_allocated_bytes();
}
#else
#include <malloc.h>
std::size_t heap_in_use() {
  return mallinfo2().uordblks;
}
#endif

namespace {

// Entries shaped like the reference app's leaderboard: a cache key, two
// params, a small JSON body, an ETag.
void fill_like_a_leaderboard(memory_store& store, int count) {
  for (int i = 0; i < count; ++i) {
    const auto limit = std::to_string(1 + i % 100);
    const auto min_done = std::to_string(i / 100);
    auto key =
        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" + limit + "." + min_done;
    std::string body = R"({"leaderboard":[{"username":"someone)" + std::to_string(i) +
                       R"(","done":3},{"username":"another","done":2}]})";
    store.put(key, meta("leaderboard", {{"limit", limit}, {"min_done", min_done}}),
              response(std::move(body), "\"00112233445566778899aabbccddeeff\""), 60s);
  }
}

}  // namespace

// Regression: the budget undercounted what an entry costs (key, body, index,
// allocator headers), so RSS grew to half again over it.
TEST(MemoryStore, BudgetCountsWhatTheAllocatorReallyHandsOut) {
  const auto before = heap_in_use();
  memory_store store({.max_bytes = 1u << 30, .max_entries = 1'000'000, .shards = 4});
  fill_like_a_leaderboard(store, 20'000);
  const auto used = heap_in_use() - before;
  ASSERT_EQ(store.size(), 20'000u);
  // Never under what the heap holds for the entries, and not far over it.
  EXPECT_GE(store.bytes(), used) << "charged " << store.bytes() << ", heap grew by " << used;
  EXPECT_LE(store.bytes(), used * 13 / 10) << "charged " << store.bytes() << ", heap " << used;
}

TEST(MemoryStore, HeapStaysWithinTheByteBudget) {
  constexpr std::size_t budget = 4u << 20;
  const auto before = heap_in_use();
  {
    memory_store store({.max_bytes = budget, .max_entries = 1'000'000, .shards = 4});
    fill_like_a_leaderboard(store, 100'000);  // several times the budget
    EXPECT_LE(store.bytes(), budget);
    EXPECT_LE(heap_in_use() - before, budget + budget / 5);
  }
  EXPECT_LE(heap_in_use(), before + 64 * 1024) << "every entry is freed with the store";
}
