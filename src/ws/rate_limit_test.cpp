#include "ws/rate_limit.hpp"

#include <gtest/gtest.h>

namespace {

using mizan::ws::rate_limit;
using namespace std::chrono_literals;

TEST(RateLimit, AllowsTheBurstThenRefusesUntilTokensComeBack) {
  rate_limit limit(10, 3);
  const auto t0 = rate_limit::clock::time_point{} + 1h;
  EXPECT_TRUE(limit.take(t0));
  EXPECT_TRUE(limit.take(t0));
  EXPECT_TRUE(limit.take(t0));
  EXPECT_FALSE(limit.take(t0));
  EXPECT_FALSE(limit.take(t0 + 50ms));  // half a token
  EXPECT_TRUE(limit.take(t0 + 150ms));  // one and a half
  EXPECT_FALSE(limit.take(t0 + 150ms));
}

TEST(RateLimit, NeverSavesMoreThanTheBurst) {
  rate_limit limit(100, 2);
  const auto t0 = rate_limit::clock::time_point{} + 1h;
  EXPECT_TRUE(limit.take(t0));
  int allowed = 0;
  for (int i = 0; i < 10; ++i) allowed += limit.take(t0 + 10s);
  EXPECT_EQ(allowed, 2);
}

}  // namespace
