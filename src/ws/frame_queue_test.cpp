#include "ws/frame_queue.hpp"

#include <gtest/gtest.h>

#include <memory>

namespace {

using mizan::ws::frame_queue;

TEST(FrameQueue, IsFirstInFirstOut) {
  frame_queue<int> q;
  EXPECT_TRUE(q.empty());
  for (int i = 1; i <= 3; ++i) q.push_back(i);
  EXPECT_EQ(q.size(), 3u);
  EXPECT_EQ(q.front(), 1);
  q.pop_front();
  q.push_back(4);
  EXPECT_EQ(q.front(), 2);
  q.pop_front();
  q.pop_front();
  EXPECT_EQ(q.front(), 4);
  q.pop_front();
  EXPECT_TRUE(q.empty());
}

TEST(FrameQueue, EraseIfKeepsTheOrderOfWhatStays) {
  frame_queue<int> q;
  for (int i = 1; i <= 6; ++i) q.push_back(i);
  q.pop_front();                                 // 2..6 left
  q.erase_if([](int i) { return i % 2 == 0; });  // 3, 5
  ASSERT_EQ(q.size(), 2u);
  EXPECT_EQ(q.front(), 3);
  q.pop_front();
  EXPECT_EQ(q.front(), 5);
}

TEST(FrameQueue, APoppedItemIsReleasedAtOnce) {
  // A shared frame must not stay alive in the queue after it was written.
  frame_queue<std::shared_ptr<int>> q;
  auto frame = std::make_shared<int>(1);
  q.push_back(frame);
  q.push_back(std::make_shared<int>(2));
  EXPECT_EQ(frame.use_count(), 2);
  q.pop_front();
  EXPECT_EQ(frame.use_count(), 1);
}

}  // namespace
