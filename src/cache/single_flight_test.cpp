#include "cache/single_flight.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <latch>
#include <stdexcept>
#include <thread>
#include <vector>

using mizan::cache::single_flight;

TEST(SingleFlight, ManyThreadsComputeOnce) {
  constexpr int thread_count = 32;
  single_flight<std::string> flights;
  std::atomic<int> computations{0}, joined{0}, delivered{0};
  std::latch start(thread_count);
  std::vector<std::thread> threads;
  for (int t = 0; t < thread_count; ++t) {
    threads.emplace_back([&] {
      start.arrive_and_wait();
      const bool leader = flights.join("mizan:c:todos:abc", [&](const std::string* value) {
        if (value != nullptr && *value == "computed") ++delivered;
      });
      ++joined;
      if (!leader) return;
      ++computations;
      // Complete only once everyone has joined, so "exactly once" is certain
      // rather than likely.
      while (joined.load() < thread_count) std::this_thread::yield();
      const std::string value = "computed";
      flights.complete("mizan:c:todos:abc", &value);
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(computations.load(), 1);
  EXPECT_EQ(delivered.load(), thread_count);
  EXPECT_EQ(flights.in_flight(), 0u);
}

TEST(SingleFlight, KeysAreIndependentAndReusable) {
  single_flight<int> flights;
  std::vector<int> seen;
  auto record = [&](const int* v) { seen.push_back(v ? *v : -1); };
  EXPECT_TRUE(flights.join("a", record));
  EXPECT_TRUE(flights.join("b", record));
  EXPECT_FALSE(flights.join("a", record));
  EXPECT_EQ(flights.in_flight(), 2u);
  const int one = 1;
  flights.complete("a", &one);
  EXPECT_EQ(seen, (std::vector<int>{1, 1}));
  EXPECT_TRUE(flights.join("a", record));  // a finished flight starts over
  flights.complete("a", nullptr);
  flights.complete("b", nullptr);
  EXPECT_EQ(seen, (std::vector<int>{1, 1, -1, -1}));
  EXPECT_EQ(flights.in_flight(), 0u);
  flights.complete("never", nullptr);  // no flight: nothing to do
}

TEST(SingleFlight, FailureReachesEveryWaiter) {
  single_flight<int> flights;
  int failures = 0;
  for (int i = 0; i < 3; ++i) flights.join("k", [&](const int* v) { failures += v == nullptr; });
  flights.complete("k", nullptr);
  EXPECT_EQ(failures, 3);
}

// Callbacks run outside the lock: one may start the next flight of its key.
TEST(SingleFlight, CallbacksMayJoinAgain) {
  single_flight<int> flights;
  bool rejoined_as_leader = false;
  flights.join("k", [&](const int*) { rejoined_as_leader = flights.join("k", [](const int*) {}); });
  flights.complete("k", nullptr);
  EXPECT_TRUE(rejoined_as_leader);
  EXPECT_EQ(flights.in_flight(), 1u);
}

TEST(SingleFlight, AThrowingCallbackDoesNotStarveTheOthers) {
  single_flight<int> flights;
  int called = 0;
  flights.join("k", [&](const int*) {
    ++called;
    throw std::runtime_error("first");
  });
  flights.join("k", [&](const int*) { ++called; });
  EXPECT_THROW(flights.complete("k", nullptr), std::runtime_error);
  EXPECT_EQ(called, 2);
  EXPECT_EQ(flights.in_flight(), 0u);
}
