// watch_bundle: a rewritten bundle restarts the renderers and bumps the
// bundle generation. Needs `node` on PATH.
#include <gtest/gtest.h>

#include <string>
#include <thread>

#include "ssr/renderer_pool.hpp"
#include "ssr/test_support.hpp"

namespace mizan::ssr::test {
namespace {

std::string bundle_saying(const std::string& word) {
  return "export function render() { return { head: '', body: '" + word + "' }; }\n";
}

TEST(SsrPoolWatch, ARewrittenBundleIsUsedByLaterRendersAndBumpsTheGeneration) {
  bundle_dir dir;
  captured_log log;
  const auto bundle = dir.write("entry-server.mjs", bundle_saying("before"));
  auto options = options_for(bundle, log, 2);
  options.watch_bundle = true;
  renderer_pool pool(options);
  ASSERT_TRUE(wait_ready(pool, 2));
  auto r = pool.render("{}", clock::now() + 5s);
  ASSERT_TRUE(r.page) << r.detail;
  EXPECT_EQ(r.page->body, "before");
  EXPECT_EQ(pool.bundle_generation(), 0u);
  const auto old_pids = pool.pids();

  dir.write("entry-server.mjs", bundle_saying("after, longer"));
  const auto until = clock::now() + 5s;
  while (pool.bundle_generation() == 0 && clock::now() < until) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(pool.bundle_generation(), 1u);
  r = pool.render("{}", clock::now() + 5s);
  ASSERT_TRUE(r.page) << r.detail;
  EXPECT_EQ(r.page->body, "after, longer");
  ASSERT_TRUE(wait_ready(pool, 2));
  for (const int pid : old_pids) EXPECT_TRUE(process_gone(pid)) << pid;
  EXPECT_EQ(log.count("changed: restarting the renderers (generation 1)"), 1u);
}

TEST(SsrPoolWatch, WithoutWatchingTheBundleIsKept) {
  bundle_dir dir;
  captured_log log;
  const auto bundle = dir.write("entry-server.mjs", bundle_saying("before"));
  renderer_pool pool(options_for(bundle, log));
  ASSERT_TRUE(wait_ready(pool, 1));
  dir.write("entry-server.mjs", bundle_saying("after"));
  std::this_thread::sleep_for(700ms);
  const auto r = pool.render("{}", clock::now() + 5s);
  ASSERT_TRUE(r.page) << r.detail;
  EXPECT_EQ(r.page->body, "before");
  EXPECT_EQ(pool.bundle_generation(), 0u);
}

}  // namespace
}  // namespace mizan::ssr::test
