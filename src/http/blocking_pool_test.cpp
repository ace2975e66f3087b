// server.hpp comes first: it must compile on its own.
#include "http/server.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>

namespace mizan::http {
namespace {

TEST(BlockingPool, RunsEveryQueuedJobBeforeJoinReturns) {
  std::atomic<int> done{0};
  blocking_pool pool(3);
  for (int i = 0; i < 100; ++i) pool.post([&] { ++done; });
  pool.join();
  EXPECT_EQ(done.load(), 100);
  EXPECT_THROW(pool.post([] {}), std::logic_error);
  pool.join();  // idempotent
}

TEST(BlockingPool, AThrowingJobDoesNotStopTheThread) {
  std::atomic<int> done{0};
  blocking_pool pool(1);
  pool.post([] { throw std::runtime_error("job failure (expected in this test)"); });
  pool.post([&] { ++done; });
  pool.join();
  EXPECT_EQ(done.load(), 1);
}

TEST(BlockingPool, ZeroThreadsMeansOne) {
  std::atomic<int> done{0};
  blocking_pool pool(0);
  pool.post([&] { ++done; });
  pool.join();
  EXPECT_EQ(done.load(), 1);
}

}  // namespace
}  // namespace mizan::http
