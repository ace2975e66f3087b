#include "http/body_budget.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace mizan::http::detail {
namespace {

using namespace std::chrono_literals;
using time_point = std::chrono::steady_clock::time_point;

TEST(BodyReservation, GrowsWithinTheSharedLimitAndGivesBackOnRelease) {
  std::atomic<std::size_t> total{0};
  body_reservation a(total, 100);
  body_reservation b(total, 100);
  EXPECT_TRUE(a.grow_to(60));
  EXPECT_TRUE(a.grow_to(40));  // never shrinks: the body keeps its buffer
  EXPECT_EQ(a.held(), 60u);
  EXPECT_FALSE(b.grow_to(41));
  EXPECT_EQ(b.held(), 0u);
  EXPECT_TRUE(b.grow_to(40));
  EXPECT_EQ(total.load(), 100u);
  a.release();
  EXPECT_EQ(total.load(), 40u);
  EXPECT_TRUE(b.grow_to(100));
}

TEST(BodyReservation, IsReturnedWhenDestroyed) {
  std::atomic<std::size_t> total{0};
  {
    body_reservation a(total, 100);
    ASSERT_TRUE(a.grow_to(70));
  }
  EXPECT_EQ(total.load(), 0u);
}

TEST(BodyReservation, ConcurrentReservationsNeverExceedTheLimit) {
  std::atomic<std::size_t> total{0};
  std::atomic<std::size_t> peak{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        body_reservation r(total, 1000);
        if (r.grow_to(300)) {
          auto seen = total.load();
          auto old = peak.load();
          while (seen > old && !peak.compare_exchange_weak(old, seen)) {
          }
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_LE(peak.load(), 1000u);
  EXPECT_EQ(total.load(), 0u);
}

TEST(BodyReadDeadline, MinimumRateBoundsTheWholeBody) {
  const time_point start{};
  // Nothing received yet: the gap and the allowance agree.
  EXPECT_EQ(body_read_deadline(start, start, 10s, 0, 500), start + 10s);
  // 5 s in, 500 bytes received: allowance 10 s + 1 s, gap would say 15 s.
  EXPECT_EQ(body_read_deadline(start, start + 5s, 10s, 500, 500), start + 11s);
  // A fast body: the gap between reads is what limits.
  EXPECT_EQ(body_read_deadline(start, start + 1s, 10s, 1'000'000, 500), start + 11s);
  // No minimum rate: only the gap.
  EXPECT_EQ(body_read_deadline(start, start + 100s, 10s, 1, 0), start + 110s);
}

}  // namespace
}  // namespace mizan::http::detail
