#include "edge/purger.hpp"

#include "core/captured_log.hpp"
#include "edge/fake_purge_server.hpp"
#include "edge/purge_request.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <atomic>
#include <set>
#include <sstream>
#include <thread>

namespace mizan::edge {
namespace {

using namespace std::chrono_literals;
using clock = std::chrono::steady_clock;
using test::fake_purge_server;

std::vector<std::string> numbered(std::size_t n, std::string_view prefix = "mz:t") {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(fmt::format("{}{:05}", prefix, i));
  return out;
}

std::vector<std::string> words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// Collects what a purger reports, from any thread.
struct observer {
  mizan::test::captured_log log;
  std::atomic<int> recoveries{0};

  purger_options options(std::string_view setting, std::chrono::milliseconds timeout = 2s) {
    purger_options o;
    o.targets = parse_purge_targets(setting);
    o.token = "tok";
    o.request_timeout = timeout;
    o.log = log.sink();
    o.recovered = [this] { ++recoveries; };
    return o;
  }
  std::size_t count(std::string_view word) { return log.count(word); }
};

bool eventually(const std::function<bool()>& done) {
  for (const auto until = clock::now() + 2s; clock::now() < until;) {
    if (done()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return done();
}

TEST(PurgeRequests, SplitAVarnishHeaderUnder8000Bytes) {
  const auto tags = numbered(200, std::string(100, 'x'));
  const auto requests = detail::purge_requests(purge_kind::varnish, "", tags);
  ASSERT_EQ(requests.size(), 3u);
  std::vector<std::string> sent;
  for (const auto& r : requests) {
    EXPECT_EQ(r.method, "PURGE");
    ASSERT_EQ(r.headers.size(), 1u);
    EXPECT_EQ(r.headers[0].first, "xkey-purge");
    EXPECT_LT(r.headers[0].second.size() + sizeof("xkey-purge: "), 8000u);
    for (auto& w : words(r.headers[0].second)) sent.push_back(w);
  }
  EXPECT_EQ(sent, tags);
}

TEST(PurgeRequests, ChunkCloudflareBy30AndFastlyBy256) {
  EXPECT_EQ(detail::purge_requests(purge_kind::cloudflare, "t", numbered(30)).size(), 1u);
  EXPECT_EQ(detail::purge_requests(purge_kind::cloudflare, "t", numbered(31)).size(), 2u);
  EXPECT_EQ(detail::purge_requests(purge_kind::fastly, "t", numbered(256)).size(), 1u);
  EXPECT_EQ(detail::purge_requests(purge_kind::fastly, "t", numbered(257)).size(), 2u);
}

TEST(Acknowledged, Needs2xxAndNoCloudflareFailure) {
  EXPECT_TRUE(detail::acknowledged(200, ""));
  EXPECT_TRUE(detail::acknowledged(204, "not json {"));
  EXPECT_TRUE(detail::acknowledged(200, R"({"success":true,"errors":[]})"));
  EXPECT_FALSE(detail::acknowledged(200, R"({"success":false,"errors":[{"code":1}]})"));
  EXPECT_FALSE(detail::acknowledged(500, ""));
  EXPECT_FALSE(detail::acknowledged(301, ""));
}

TEST(Purger, SendsVarnishXkeyPurgesOnOneConnection) {
  fake_purge_server edge;
  observer seen;
  purger p(seen.options("varnish=" + edge.url()));
  EXPECT_TRUE(p.purge({"mz:b", "mz:a", "mz:b"}, 1s));
  EXPECT_TRUE(p.purge({"mz:c"}, 1s));
  const auto requests = edge.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].method, "PURGE");
  EXPECT_EQ(requests[0].target, "/");
  EXPECT_EQ(requests[0].header("host"), edge.url().substr(7, edge.url().size() - 8));
  EXPECT_EQ(requests[0].header("xkey-purge"), "mz:a mz:b");
  EXPECT_EQ(requests[1].header("xkey-purge"), "mz:c");
  EXPECT_EQ(requests[0].connection, requests[1].connection);  // kept alive
  EXPECT_EQ(p.statistics().requests, 2u);
  EXPECT_EQ(p.statistics().pending_tags, 0u);
}

TEST(Purger, SendsCloudflareTagsBy30WithTheToken) {
  fake_purge_server edge;
  observer seen;
  purger p(seen.options("cloudflare=" + edge.url("/client/v4/zones/Z/purge_cache")));
  ASSERT_TRUE(p.purge(numbered(31), 1s));
  const auto requests = edge.requests();
  ASSERT_EQ(requests.size(), 2u);
  std::vector<std::string> sent;
  std::vector<std::size_t> per_request;
  for (const auto& r : requests) {
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.target, "/client/v4/zones/Z/purge_cache");
    EXPECT_EQ(r.header("authorization"), "Bearer tok");
    EXPECT_EQ(r.header("content-type"), "application/json");
    const auto body = boost::json::parse(r.body);
    for (const auto& tag : body.at("tags").as_array()) {
      sent.emplace_back(tag.as_string());
    }
    per_request.push_back(body.at("tags").as_array().size());
  }
  EXPECT_EQ(per_request, (std::vector<std::size_t>{30, 1}));
  EXPECT_EQ(sent, numbered(31));
}

TEST(Purger, TreatsCloudflareSuccessFalseAsAFailure) {
  fake_purge_server edge;
  edge.answer(200, R"({"success":false,"errors":[{"code":10000}]})");
  observer seen;
  purger p(seen.options("cloudflare=" + edge.url("/z")));
  EXPECT_FALSE(p.purge({"mz:a"}, 1s));
  EXPECT_GE(p.statistics().failures, 1u);
  EXPECT_EQ(seen.count("failing (HTTP 200"), 1u);
}

TEST(Purger, SendsFastlySurrogateKeysBy256) {
  fake_purge_server edge;
  observer seen;
  purger p(seen.options("fastly=" + edge.url("/service/S/purge")));
  ASSERT_TRUE(p.purge(numbered(257), 1s));
  const auto requests = edge.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].target, "/service/S/purge");
  EXPECT_EQ(requests[0].header("fastly-key"), "tok");
  EXPECT_EQ(words(requests[0].header("surrogate-key")).size(), 256u);
  EXPECT_EQ(words(requests[1].header("surrogate-key")), std::vector<std::string>{"mz:t00256"});
}

TEST(Purger, WithoutTargetsReturnsAtOnce) {
  purger p(purger_options{});
  const auto start = clock::now();
  EXPECT_TRUE(p.purge({"mz:a"}, 10s));
  EXPECT_LT(clock::now() - start, 1s);
}

TEST(Purger, RejectsATagThatWouldBreakAHeader) {
  purger p(purger_options{});
  EXPECT_THROW(p.purge({"mz:a b"}, 0ms), std::invalid_argument);
  EXPECT_THROW(p.purge({""}, 0ms), std::invalid_argument);
  EXPECT_THROW(p.purge({"mz:a\r\nX: y"}, 0ms), std::invalid_argument);
}

TEST(Purger, CoalescesConcurrentPurges) {
  fake_purge_server edge;
  edge.delay(30ms);  // batches pile up while one is in flight
  observer seen;
  purger p(seen.options("varnish=" + edge.url()));
  std::atomic<int> acknowledged{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) acknowledged += p.purge({fmt::format("mz:{}.{}", t, i)}, 1900ms);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(acknowledged, 40);
  const auto requests = edge.requests();
  EXPECT_LT(requests.size(), 40u);
  std::set<std::string> sent;
  for (const auto& r : requests) {
    for (auto& w : words(r.header("xkey-purge"))) sent.insert(w);
  }
  EXPECT_EQ(sent.size(), 40u);
}

TEST(Purger, RetriesAfterA500AndReportsTheRecoveryOnce) {
  fake_purge_server edge;
  edge.answer(500, "down\r\n");
  observer seen;
  purger p(seen.options("varnish=" + edge.url()));
  EXPECT_FALSE(p.purge({"mz:a"}, 1s));
  edge.answer(200);
  ASSERT_TRUE(eventually([&] { return seen.recoveries > 0; }));
  EXPECT_TRUE(p.purge({"mz:b"}, 1s));
  EXPECT_EQ(seen.recoveries, 1);
  EXPECT_EQ(seen.count("failing (HTTP 500: down"), 1u);
  EXPECT_EQ(seen.count("acknowledges again"), 1u);
  const auto requests = edge.requests();
  ASSERT_GE(requests.size(), 3u);
  EXPECT_EQ(requests[requests.size() - 2].header("xkey-purge"), "mz:a");  // the retry
  EXPECT_EQ(p.statistics().pending_tags, 0u);
}

TEST(Purger, DoesNotWaitForARefusingTarget) {
  fake_purge_server dead, alive;
  dead.refuse();
  observer seen;
  purger p(seen.options("varnish=" + dead.url() + ",fastly=" + alive.url()));
  EXPECT_FALSE(p.purge({"mz:a"}, 1s));
  const auto start = clock::now();
  EXPECT_FALSE(p.purge({"mz:b"}, 1s));
  EXPECT_LT(clock::now() - start, 500ms);
  EXPECT_TRUE(alive.wait_for(1, 1s));  // the healthy edge still gets its purges
  EXPECT_TRUE(eventually([&] { return p.statistics().failures >= 2; }));
  EXPECT_EQ(seen.count("failing (connecting"), 1u);  // once per streak
  EXPECT_GE(p.statistics().pending_tags, 2u);
}

TEST(Purger, GivesUpWaitingForAFrozenTargetAndStopsPromptly) {
  fake_purge_server edge;
  edge.freeze();
  observer seen;
  auto p = std::make_unique<purger>(seen.options("varnish=" + edge.url(), 1500ms));
  auto start = clock::now();
  EXPECT_FALSE(p->purge({"mz:a"}, 200ms));
  EXPECT_LT(clock::now() - start, 1s);
  ASSERT_TRUE(edge.wait_for(1, 1s));
  start = clock::now();
  p.reset();
  EXPECT_LT(clock::now() - start, 1s);
  EXPECT_EQ(seen.count("stopping with 1 tags owed"), 1u);
}

TEST(Purger, TimesOutAFrozenTarget) {
  fake_purge_server edge;
  edge.freeze();
  observer seen;
  purger p(seen.options("varnish=" + edge.url(), 150ms));
  const auto start = clock::now();
  EXPECT_FALSE(p.purge({"mz:a"}, 1500ms));
  EXPECT_LT(clock::now() - start, 1200ms);
  EXPECT_EQ(seen.count("timeout"), 1u);
}

// A frozen edge held every mutation for the whole wait until its request
// timed out (2 s): now only the first waiter waits.
TEST(Purger, WaitsForAFrozenTargetOnlyOnceUntilItAnswers) {
  fake_purge_server edge;
  edge.freeze();
  observer seen;
  purger p(seen.options("varnish=" + edge.url(), 5s));
  EXPECT_FALSE(p.purge({"mz:a"}, 200ms));
  const auto start = clock::now();
  EXPECT_FALSE(p.purge({"mz:b"}, 1s));
  EXPECT_FALSE(p.purge({"mz:c"}, 1s));
  EXPECT_LT(clock::now() - start, 500ms);
  EXPECT_EQ(seen.count("no acknowledgement within 200 ms"), 1u);
  EXPECT_FALSE(p.purge({"mz:d"}, 0ms));  // only queues: no line
  EXPECT_EQ(seen.count("no acknowledgement"), 1u);
}

// An edge that came back was purged only at the end of its backoff (up to
// 5 s), serving stale entries meanwhile; new tags now end the backoff.
TEST(Purger, NewTagsEndTheBackoffOfAnEdgeThatIsBack) {
  fake_purge_server edge;
  edge.answer(500);
  observer seen;
  purger p(seen.options("varnish=" + edge.url()));
  EXPECT_FALSE(p.purge({"mz:a"}, 0ms));
  // Five failures: the next retry is 1.6 s away.
  ASSERT_TRUE(eventually([&] { return p.statistics().failures >= 5; }));
  edge.answer(200);
  std::this_thread::sleep_for(150ms);
  const auto before = edge.requests().size();
  EXPECT_FALSE(p.purge({"mz:b"}, 0ms));
  ASSERT_TRUE(edge.wait_for(before + 1, 600ms));
  EXPECT_NE(edge.requests()[before].header("xkey-purge").find("mz:b"), std::string::npos);
  EXPECT_TRUE(eventually([&] { return seen.recoveries.load() == 1; }));
}

TEST(Purger, TreatsAFailedTlsHandshakeAsAFailure) {
  fake_purge_server edge;  // speaks plain HTTP: no handshake can succeed
  observer seen;
  purger p(seen.options("varnish=https://127.0.0.1:" + edge.url().substr(17), 1s));
  EXPECT_FALSE(p.purge({"mz:a"}, 1s));
  EXPECT_EQ(seen.count("TLS handshake"), 1u);
  EXPECT_TRUE(edge.requests().empty());
}

TEST(Purger, DropsAnOverflowingBacklogAndReportsTheRecovery) {
  fake_purge_server edge;
  observer seen;
  purger p(seen.options("varnish=" + edge.url()));
  EXPECT_FALSE(p.purge(numbered(100'001), 1s));  // over the bound: dropped, not waited for
  ASSERT_TRUE(eventually([&] { return seen.recoveries > 0; }));
  EXPECT_EQ(seen.count("dropped them"), 1u);
  EXPECT_EQ(seen.count("100000 tags dropped"), 1u);
  EXPECT_EQ(edge.requests().size(), 1u);  // one probe
  EXPECT_EQ(p.statistics().pending_tags, 0u);
}

}  // namespace
}  // namespace mizan::edge
