// server.hpp comes first: it must compile on its own.
#include "http/server.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

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

// Jobs arriving while workers watch the queue, and after they gave up and
// sleep: each must run without waiting for join (a lost wake-up would hang
// the wait below until the test times out).
TEST(BlockingPool, JobsPostedWhileWorkersSpinOrSleepAllRun) {
  using namespace std::chrono_literals;
  for (const auto spin : {std::chrono::nanoseconds(0), std::chrono::nanoseconds(200us)}) {
    blocking_pool pool(2, spin);
    std::mutex m;
    std::condition_variable cv;
    int done = 0;
    const std::chrono::microseconds gaps[] = {0us, 5us, 50us, 500us, 2000us};
    for (int round = 0; round < 200; ++round) {
      std::this_thread::sleep_for(gaps[round % 5]);
      pool.post([&] {
        std::lock_guard lock(m);
        ++done;
        cv.notify_one();
      });
      std::unique_lock lock(m);
      ASSERT_TRUE(cv.wait_for(lock, 5s, [&] { return done == round + 1; }))
          << "job " << round << " did not run (spin " << spin.count() << " ns)";
    }
  }
}

TEST(BlockingPool, ManyPostersManyJobs) {
  std::atomic<int> done{0};
  {
    blocking_pool pool(3);
    std::vector<std::thread> posters;
    for (int t = 0; t < 4; ++t) {
      posters.emplace_back([&] {
        for (int i = 0; i < 5000; ++i) pool.post([&] { done.fetch_add(1); });
      });
    }
    for (auto& p : posters) p.join();
  }
  EXPECT_EQ(done.load(), 20000);
}

// Workers yield to the network threads when cores are short; the thread that
// created the pool keeps its own priority.
TEST(BlockingPool, WorkersRunAtTheRequestedNiceness) {
  errno = 0;
  const int mine = ::getpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()));
  ASSERT_EQ(errno, 0);
  std::atomic<int> seen{-100};
  {
    blocking_pool pool(1, std::chrono::nanoseconds(0), 3);
    pool.post([&] { seen = ::getpriority(PRIO_PROCESS, static_cast<id_t>(::gettid())); });
    pool.join();
  }
  EXPECT_EQ(seen.load(), std::min(mine + 3, 19));
  EXPECT_EQ(::getpriority(PRIO_PROCESS, static_cast<id_t>(::gettid())), mine);
  {
    blocking_pool pool(1);
    pool.post([&] { seen = ::getpriority(PRIO_PROCESS, static_cast<id_t>(::gettid())); });
    pool.join();
  }
  EXPECT_EQ(seen.load(), mine) << "no niceness unless asked";
}

}  // namespace
}  // namespace mizan::http
