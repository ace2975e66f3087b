// The renderer pool when renderers misbehave: hangs, exits, garbage on
// stdout/stderr and on the reply channel, a bundle that cannot be imported,
// memory beyond the limit. Needs `node` on PATH.
#include <gtest/gtest.h>

#include <string>
#include <thread>

#include "ssr/renderer_pool.hpp"
#include "ssr/test_support.hpp"

namespace mizan::ssr::test {
namespace {

// Renders `{}` until it succeeds or `limit` passes (a replacement is starting).
render_result render_when_back(renderer_pool& pool, clock::duration limit = 5s) {
  return pool.render("{}", clock::now() + limit);
}

const char* misbehaving_bundle = R"(
import fs from 'node:fs';
export async function render(input) {
  switch (input.do) {
    case 'spin': for (;;) {}
    case 'never': return new Promise(() => {});
    case 'exit': process.exit(3);
    case 'frame': fs.writeSync(4, Buffer.from([0, 0, 0, 5, 0x7b, 0xff, 0x00, 0x7d, 0x5d])); return new Promise(() => {});
    case 'huge': fs.writeSync(4, Buffer.from([0x7f, 0xff, 0xff, 0xff])); return new Promise(() => {});
    case 'other-id': fs.writeSync(4, Buffer.from('\x00\x00\x00\x1c{"id":0,"head":"","body":""}'));
                     return { head: '', body: 'mine' };
  }
  return { head: '', body: 'fine' };
}
)";

class SsrPoolFailures : public ::testing::Test {
 protected:
  bundle_dir dir;
  captured_log log;
};

TEST_F(SsrPoolFailures, AHangingRenderTimesOutAndTheRendererIsReplaced) {
  for (const char* input : {R"({"do":"spin"})", R"({"do":"never"})"}) {
    renderer_pool pool(options_for(dir.write("b.mjs", misbehaving_bundle), log));
    ASSERT_TRUE(wait_ready(pool, 1));
    const auto before = pool.pids();
    const auto start = clock::now();
    const auto r = pool.render(input, start + 300ms);
    const auto took = clock::now() - start;
    EXPECT_EQ(r.failure, render_failure::timeout) << input;
    EXPECT_GE(took, 290ms);
    EXPECT_LT(took, 600ms);
    const auto back = render_when_back(pool);
    ASSERT_TRUE(back.page) << back.detail;
    EXPECT_NE(pool.pids(), before);
    EXPECT_TRUE(process_gone(before.at(0)));
  }
}

TEST_F(SsrPoolFailures, TheOptionsTimeoutBoundsALaterDeadline) {
  auto options = options_for(dir.write("b.mjs", misbehaving_bundle), log);
  options.timeout = 200ms;
  renderer_pool pool(options);
  ASSERT_TRUE(wait_ready(pool, 1));
  const auto start = clock::now();
  EXPECT_EQ(pool.render(R"({"do":"never"})", start + 1h).failure, render_failure::timeout);
  EXPECT_LT(clock::now() - start, 500ms);
}

TEST_F(SsrPoolFailures, ARendererThatExitsIsACrashAndIsReplaced) {
  renderer_pool pool(options_for(dir.write("b.mjs", misbehaving_bundle), log));
  ASSERT_TRUE(wait_ready(pool, 1));
  const auto before = pool.pids();
  const auto r = pool.render(R"({"do":"exit"})", clock::now() + 5s);
  EXPECT_EQ(r.failure, render_failure::crashed) << r.detail;
  const auto back = render_when_back(pool);
  ASSERT_TRUE(back.page) << back.detail;
  EXPECT_NE(pool.pids(), before);
  EXPECT_EQ(log.count("exited (exit status 3)"), 1u);
}

TEST_F(SsrPoolFailures, AGarbageOrOversizeReplyFrameIsABadReplyAndIsReplaced) {
  for (const char* input : {R"({"do":"frame"})", R"({"do":"huge"})"}) {
    renderer_pool pool(options_for(dir.write("b.mjs", misbehaving_bundle), log));
    ASSERT_TRUE(wait_ready(pool, 1));
    const auto before = pool.pids();
    const auto r = pool.render(input, clock::now() + 5s);
    EXPECT_EQ(r.failure, render_failure::bad_reply) << input << ": " << r.detail;
    const auto back = render_when_back(pool);
    ASSERT_TRUE(back.page) << back.detail;
    EXPECT_NE(pool.pids(), before);
  }
}

TEST_F(SsrPoolFailures, AReplyToAnotherIdIsDiscarded) {
  renderer_pool pool(options_for(dir.write("b.mjs", misbehaving_bundle), log));
  const auto r = pool.render(R"({"do":"other-id"})", clock::now() + 5s);
  ASSERT_TRUE(r.page) << r.detail;
  EXPECT_EQ(r.page->body, "mine");
}

TEST_F(SsrPoolFailures, GarbageOnStdoutAndStderrCorruptsNothing) {
  const auto bundle = dir.write("b.mjs", R"(
export function render(input) {
  console.log('x'.repeat(1 << 20));
  process.stdout.write(Buffer.from([0, 0, 0, 9, 0xff, 0xfe, 0x1b, 0x5b, 0x0a]));
  console.error('\u0000\u0001 binary on stderr ' + 'y'.repeat(100000));
  console.log('line for the log', input.n);
  return { head: '', body: String(input.n) };
}
)");
  renderer_pool pool(options_for(bundle, log));
  for (int n = 0; n < 5; ++n) {
    const auto r = pool.render(R"({"n":)" + std::to_string(n) + "}", clock::now() + 5s);
    ASSERT_TRUE(r.page) << r.detail;
    EXPECT_EQ(r.page->body, std::to_string(n));
  }
  const auto pid = pool.pids().at(0);
  const auto deadline = clock::now() + 5s;
  while (log.count("line for the log 4") == 0 && clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_EQ(log.count("mizan.ssr[" + std::to_string(pid) + "]: line for the log 4"), 1u);
  std::lock_guard lock(log.mutex);
  for (const auto& line : log.lines) EXPECT_LE(line.size(), 4200u);
}

TEST_F(SsrPoolFailures, ABundleThatFailsToImportIsUnavailableWithoutSpinning) {
  const auto bundle = dir.write("b.mjs", "throw new Error('broken bundle');\n");
  renderer_pool pool(options_for(bundle, log, 2));
  const auto start = clock::now();
  const auto r = pool.render("{}", start + 200ms);
  EXPECT_EQ(r.failure, render_failure::unavailable);
  EXPECT_LT(clock::now() - start, 400ms);
  std::this_thread::sleep_for(1s);
  // Two slots, each backing off 100, 200, 400, 800 ms: at most 4 starts each.
  EXPECT_LE(pool.starts(), 8u);
  EXPECT_GE(pool.starts(), 2u);
  EXPECT_GE(log.count("broken bundle"), 1u);
  EXPECT_EQ(pool.ready(), 0u);
  // Once they have failed, a render does not wait for its deadline: a broken
  // bundle must not hold the server's worker threads.
  const auto later = clock::now();
  const auto again = pool.render("{}", later + 5s);
  EXPECT_EQ(again.failure, render_failure::unavailable);
  EXPECT_LT(clock::now() - later, 100ms);
  EXPECT_NE(again.detail.find("fail at start-up"), std::string::npos) << again.detail;
}

TEST_F(SsrPoolFailures, ARendererAboveTheMemoryLimitIsReplaced) {
  const auto bundle = dir.write("b.mjs", R"(
const kept = [];
export function render(input) {
  if (input.hog) for (let i = 0; i < 1000; ++i) kept.push(new Array(1 << 20).fill(i));
  if (input.buffers) for (let i = 0; i < 16; ++i) kept.push(Buffer.alloc(8 << 20, 1));
  return { head: '', body: 'ok' };
}
)");
  auto options = options_for(bundle, log);
  options.memory_mb = 96;
  renderer_pool pool(options);
  // V8's heap limit: the renderer dies of it while rendering.
  ASSERT_TRUE(wait_ready(pool, 1));
  auto before = pool.pids();
  auto r = pool.render(R"({"hog":1})", clock::now() + 10s);
  EXPECT_EQ(r.failure, render_failure::crashed) << r.detail;
  auto back = render_when_back(pool);
  ASSERT_TRUE(back.page) << back.detail;
  EXPECT_NE(pool.pids(), before);
  // Memory outside V8's heap: the render succeeds, the RSS check recycles it.
  before = pool.pids();
  r = pool.render(R"({"buffers":1})", clock::now() + 10s);
  ASSERT_TRUE(r.page) << r.detail;
  back = render_when_back(pool);
  ASSERT_TRUE(back.page) << back.detail;
  EXPECT_NE(pool.pids(), before);
  EXPECT_EQ(log.count("above the limit of 96 MiB: recycling"), 1u);
}

}  // namespace
}  // namespace mizan::ssr::test
