// The renderer pool against real Node.js processes: renders, concurrency,
// render errors and the clean-up on destruction. Needs `node` on PATH.
#include "ssr/renderer_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "ssr/renderer_process.hpp"
#include "ssr/test_support.hpp"

namespace mizan::ssr::test {
namespace {

TEST(SsrPool, RendersHeadAndBodyWithUnicodeAndAMegabyte) {
  bundle_dir dir;
  captured_log log;
  const auto bundle = dir.write("entry-server.mjs", R"(
export async function render(input) {
  await new Promise((resolve) => setTimeout(resolve, 1));
  if (input.big) return { head: '', body: 'é'.repeat(input.big) };
  return { head: `<title>${input.title}</title>`, body: `<p>${input.text}</p>` };
}
)");
  renderer_pool pool(options_for(bundle, log));
  const auto r =
      pool.render(R"({"title":"Mizan — ميزان","text":"😀 \u2028 \"q\""})", clock::now() + 5s);
  ASSERT_TRUE(r.page) << to_string(r.failure) << ": " << r.detail;
  EXPECT_EQ(r.page->head, "<title>Mizan — ميزان</title>");
  EXPECT_EQ(r.page->body, "<p>😀 \u2028 \"q\"</p>");

  const auto big = pool.render(R"({"big":524288})", clock::now() + 5s);  // 1 MiB of UTF-8
  ASSERT_TRUE(big.page) << big.detail;
  std::string expected;
  for (int i = 0; i < 524288; ++i) expected += "é";
  EXPECT_EQ(big.page->body, expected);
  EXPECT_EQ(pool.ready(), 1u);
  EXPECT_EQ(pool.bundle_generation(), 0u);
}

TEST(SsrPool, AcceptsDefaultRenderAndADefaultFunction) {
  bundle_dir dir;
  captured_log log;
  for (const char* source :
       {"export default { render: (i) => ({ head: 'h', body: String(i.n) }) };",
        "export default async function (i) { return { head: 'h', body: String(i.n) }; }"}) {
    renderer_pool pool(options_for(dir.write("b.mjs", source), log));
    const auto r = pool.render(R"({"n":7})", clock::now() + 5s);
    ASSERT_TRUE(r.page) << r.detail;
    EXPECT_EQ(r.page->body, "7");
  }
}

TEST(SsrPool, EightThreadsEachGetTheirOwnAnswer) {
  bundle_dir dir;
  captured_log log;
  renderer_pool pool(options_for(dir.write("b.mjs", echo_bundle), log, 4));
  ASSERT_TRUE(wait_ready(pool, 4));
  std::atomic<int> wrong{0}, failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        const std::string input =
            R"({"t":)" + std::to_string(t) + R"(,"i":)" + std::to_string(i) + "}";
        const auto r = pool.render(input, clock::now() + 5s);
        if (!r.page) {
          ++failed;
        } else if (r.page->body != input) {
          ++wrong;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(pool.pids().size(), 4u);
}

TEST(SsrPool, ARenderThatThrowsIsARenderErrorAndTheRendererStays) {
  bundle_dir dir;
  captured_log log;
  const auto bundle = dir.write("b.mjs", R"(
export function render(input) {
  if (input.fail) throw new Error('no such page: ' + input.fail);
  if (input.reject) return Promise.reject(new TypeError('rejected'));
  if (input.wrong) return { head: 1 };
  return { head: '', body: 'ok' };
}
)");
  renderer_pool pool(options_for(bundle, log));
  ASSERT_TRUE(wait_ready(pool, 1));
  const auto pids = pool.pids();
  auto r = pool.render(R"({"fail":"/x"})", clock::now() + 5s);
  EXPECT_EQ(r.failure, render_failure::render_error);
  EXPECT_EQ(r.detail, "no such page: /x");
  r = pool.render(R"({"reject":1})", clock::now() + 5s);
  EXPECT_EQ(r.failure, render_failure::render_error);
  EXPECT_EQ(r.detail, "rejected");
  r = pool.render(R"({"wrong":1})", clock::now() + 5s);
  EXPECT_EQ(r.failure, render_failure::render_error);
  r = pool.render("not json", clock::now() + 5s);
  EXPECT_EQ(r.failure, render_failure::render_error);
  r = pool.render("{}", clock::now() + 5s);
  ASSERT_TRUE(r.page);
  EXPECT_EQ(r.page->body, "ok");
  EXPECT_EQ(pool.pids(), pids);
  EXPECT_EQ(pool.starts(), 1u);
}

TEST(SsrPool, TheDestructorLeavesNoChildProcess) {
  bundle_dir dir;
  captured_log log;
  std::vector<int> pids;
  {
    renderer_pool pool(options_for(dir.write("b.mjs", echo_bundle), log, 3));
    ASSERT_TRUE(wait_ready(pool, 3));
    pids = pool.pids();
  }
  ASSERT_EQ(pids.size(), 3u);
  for (const int pid : pids) EXPECT_TRUE(process_gone(pid)) << pid;
}

TEST(SsrPool, RunsTheRenderersThroughSetprivWhenItExists) {
  detail::spawn_options o;
  o.bundle = "/srv/entry-server.js";
  o.memory_mb = 64;
  const auto command = detail::describe_command(o);
  if (::access("/usr/bin/setpriv", X_OK) == 0) {
    EXPECT_EQ(command,
              "/usr/bin/setpriv --pdeathsig KILL -- node --max-old-space-size=64 "
              "--input-type=module - /srv/entry-server.js");
  } else {
    EXPECT_EQ(command, "node --max-old-space-size=64 --input-type=module - /srv/entry-server.js");
  }
}

TEST(SsrPool, RefusesAnEmptyBundleOrZeroProcesses) {
  pool_options o;
  EXPECT_THROW(renderer_pool{o}, std::invalid_argument);
  o.bundle = "/x.mjs";
  o.processes = 0;
  EXPECT_THROW(renderer_pool{o}, std::invalid_argument);
}

}  // namespace
}  // namespace mizan::ssr::test
