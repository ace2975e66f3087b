// Timeouts, answers from other threads, failing handlers, connection limits
// and graceful shutdown.
#include <gtest/gtest.h>

#include <csignal>

#include "http/test_util.hpp"

namespace mizan::http::test {
namespace {

using ms = std::chrono::milliseconds;

ms since(steady::time_point t) {
  return std::chrono::duration_cast<ms>(steady::now() - t);
}

TEST(Timeouts, SlowHeaderIsClosedWhileOthersAreServed) {
  auto cfg = test_config();
  cfg.header_timeout = 300ms;
  test_handler handler;
  running_server server(cfg, handler);

  client slow(server.port());
  auto start = steady::now();
  std::string request = get("/echo?slow");
  bool closed = false;
  bool other_served = false;
  for (std::size_t i = 0; i < request.size() && since(start) < 2s; ++i) {
    if (!slow.send(request.substr(i, 1))) break;  // one byte every 100 ms
    if (i == 1) {
      client other(server.port());
      ASSERT_TRUE(other.send(get("/echo?other")));
      auto r = other.read_response();
      other_served = r && r->status == 200 && r->body == "GET /echo?other\n";
    }
    if (slow.closed_within(100ms)) {
      closed = true;
      break;
    }
  }
  auto elapsed = since(start);
  EXPECT_TRUE(other_served);
  EXPECT_TRUE(closed);
  EXPECT_GE(elapsed, 250ms);
  EXPECT_LT(elapsed, 1000ms);
  EXPECT_EQ(handler.calls.load(), 1);
}

TEST(Timeouts, StalledBodyIsClosed) {
  auto cfg = test_config();
  cfg.body_timeout = 300ms;
  test_handler handler;
  running_server server(cfg, handler);
  client c(server.port());
  auto start = steady::now();
  ASSERT_TRUE(c.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nab"));
  EXPECT_TRUE(c.closed_within(2s));
  EXPECT_GE(since(start), 250ms);
  EXPECT_LT(since(start), 1000ms);
  EXPECT_EQ(handler.calls.load(), 0);
}

TEST(Timeouts, TrickledBodyIsClosedBelowTheMinimumRate) {
  auto cfg = test_config();
  cfg.body_timeout = 400ms;  // each byte comes well within it
  cfg.body_min_rate = 1000;  // but 10 bytes/s earns only 10 ms a second
  test_handler handler;
  running_server server(cfg, handler);
  client c(server.port());
  auto start = steady::now();
  ASSERT_TRUE(c.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\n"));
  bool closed = false;
  while (!closed && since(start) < 3s) {
    if (!c.send("x")) break;
    closed = c.closed_within(100ms);
  }
  EXPECT_TRUE(closed || c.closed_within(1s));
  EXPECT_GE(since(start), 350ms);
  EXPECT_LT(since(start), 1500ms);
  EXPECT_EQ(handler.calls.load(), 0);
}

TEST(Timeouts, BodyAtTheMinimumRateIsAccepted) {
  auto cfg = test_config();
  cfg.body_timeout = 300ms;
  cfg.body_min_rate = 1000;
  test_handler handler;
  running_server server(cfg, handler);
  client c(server.port());
  // 2,000 bytes over about 1.2 s: within 300 ms + 2 s of allowance.
  ASSERT_TRUE(c.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2000\r\n\r\n"));
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(c.send(std::string(200, 'x')));
    std::this_thread::sleep_for(120ms);
  }
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST(Timeouts, IdleKeepAliveIsClosed) {
  auto cfg = test_config();
  cfg.idle_timeout = 300ms;
  test_handler handler;
  running_server server(cfg, handler);
  client c(server.port());
  ASSERT_TRUE(c.send(get("/echo")));
  ASSERT_TRUE(c.read_response());
  auto start = steady::now();
  EXPECT_TRUE(c.closed_within(2s));
  EXPECT_GE(since(start), 250ms);
  EXPECT_LT(since(start), 1000ms);
}

TEST(Handlers, SendFromBlockingPoolThread) {
  blocking_pool pool(2);
  test_handler handler(&pool);
  running_server server(test_config(), handler);
  client c(server.port());
  ASSERT_TRUE(c.send("POST /slow?ms=20 HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\nbody"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "POST /slow?ms=20\nbody");
}

TEST(Handlers, ThrowingHandlerGets500AndTheServerCarriesOn) {
  test_handler handler;
  running_server server(test_config(), handler);
  client c(server.port());
  ASSERT_TRUE(c.send(get("/throw")));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(r->body, R"({"error":{"code":"internal","message":"Internal server error."}})");
  ASSERT_TRUE(c.send(get("/echo?after")));
  auto next = c.read_response();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, "GET /echo?after\n");
}

TEST(Handlers, DroppedResponderAnswers500) {
  test_handler handler;
  running_server server(test_config(), handler);
  client c(server.port());
  ASSERT_TRUE(c.send(get("/drop")));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
}

TEST(Handlers, CrLfInApplicationHeaderIsRefused) {
  test_handler handler;
  running_server server(test_config(), handler);
  client c(server.port());
  ASSERT_TRUE(c.send(get("/crlf")));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(r->find("Injected"), nullptr);
  EXPECT_EQ(r->find("X-Ok"), nullptr);
  EXPECT_EQ(r->head.find("Injected"), std::string::npos);
  EXPECT_EQ(r->body, R"({"error":{"code":"internal","message":"Internal server error."}})");
}

TEST(Handlers, InterimStatusFromApplicationIsRefused) {
  test_handler handler;
  running_server server(test_config(), handler);
  client c(server.port());
  ASSERT_TRUE(c.send(get("/status?code=101")));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
}

TEST(Connections, BeyondTheLimitAreClosedAtOnce) {
  auto cfg = test_config();
  cfg.max_connections = 2;
  test_handler handler;
  running_server server(cfg, handler);
  auto a = std::make_unique<client>(server.port());
  client b(server.port());
  for (auto* c : {a.get(), &b}) {
    ASSERT_TRUE(c->send(get("/echo")));
    ASSERT_TRUE(c->read_response());
  }
  client third(server.port());
  EXPECT_TRUE(third.closed_within(1s));
  a.reset();  // frees a place
  bool served = false;
  for (int i = 0; i < 50 && !served; ++i) {
    client again(server.port());
    again.send(get("/echo?again"));
    auto r = again.read_response();
    served = r && r->status == 200;
    if (!served) std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(served);
}

TEST(Lifecycle, BindFailureNamesHostAndPort) {
  test_handler handler;
  server first(test_config(), handler);
  auto cfg = test_config();
  cfg.port = first.port();
  try {
    server second(cfg, handler);
    FAIL() << "second bind succeeded";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("127.0.0.1:" + std::to_string(first.port())),
              std::string::npos)
        << e.what();
  }
}

TEST(Lifecycle, GracefulStopFinishesInFlightRequest) {
  blocking_pool pool(2);
  test_handler handler(&pool);
  auto cfg = test_config();
  running_server server(cfg, handler);
  client idle(server.port());
  ASSERT_TRUE(idle.send(get("/echo?idle")));
  ASSERT_TRUE(idle.read_response());

  client busy(server.port());
  ASSERT_TRUE(busy.send(get("/slow?ms=200")));
  std::this_thread::sleep_for(50ms);  // the handler is now sleeping on the pool
  auto stopped_at = steady::now();
  server.stop();

  EXPECT_TRUE(idle.closed_within(500ms));  // idle keep-alive: closed at once
  auto r = busy.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "GET /slow?ms=200\n");
  EXPECT_EQ(r->value("Connection"), "close");
  EXPECT_EQ(busy.read_until_close(), "");
  EXPECT_TRUE(server.wait_returned(1s));
  EXPECT_LT(since(stopped_at), 1000ms);  // well before shutdown_grace (2 s)
  client late(server.port());
  EXPECT_FALSE(late.connected());
}

TEST(Lifecycle, GracePeriodBoundsShutdownAndLateSendIsHarmless) {
  blocking_pool pool(1);
  test_handler handler(&pool);
  auto cfg = test_config();
  cfg.shutdown_grace = 200ms;
  {
    running_server server(cfg, handler);
    client c(server.port());
    ASSERT_TRUE(c.send(get("/slow?ms=1200")));
    std::this_thread::sleep_for(50ms);
    auto stopped_at = steady::now();
    server.stop();
    EXPECT_TRUE(server.wait_returned(2s));
    EXPECT_GE(since(stopped_at), 150ms);
    EXPECT_LT(since(stopped_at), 900ms);  // the handler needs 1200 ms
    EXPECT_TRUE(c.closed_within(1s));
  }
  // The server is destroyed; the pool job still reads its request and sends.
  pool.join();
  EXPECT_EQ(handler.calls.load(), 1);
}

TEST(Lifecycle, StopBeforeRunReturnsAtOnce) {
  test_handler handler;
  server s(test_config(), handler);
  s.stop();
  auto start = steady::now();
  s.run();
  EXPECT_LT(since(start), 500ms);
}

TEST(Lifecycle, SigtermStopsRun) {
  test_handler handler;
  running_server server(test_config(), handler);
  client c(server.port());
  ASSERT_TRUE(c.send(get("/echo")));
  ASSERT_TRUE(c.read_response());  // run() is serving: its signal handling is installed
  std::raise(SIGTERM);
  EXPECT_TRUE(server.wait_returned(1s));
}

// A handler that records draining().
class draining_handler : public test_handler {
 public:
  void draining() override { drained = true; }
  std::atomic<bool> drained{false};
};

TEST(Lifecycle, SigtermWithADrainServesOnThenStops) {
  auto cfg = test_config();
  cfg.drain = 600ms;
  draining_handler handler;
  running_server server(cfg, handler);
  client c(server.port());
  ASSERT_TRUE(c.send(get("/echo")));
  ASSERT_TRUE(c.read_response());
  const auto start = steady::now();
  std::raise(SIGTERM);
  const auto until = steady::now() + 1s;
  while (!handler.drained && steady::now() < until) std::this_thread::sleep_for(5ms);
  EXPECT_TRUE(handler.drained);
  // Still serving, on the kept-alive connection and on a new one.
  ASSERT_TRUE(c.send(get("/echo")));
  EXPECT_TRUE(c.read_response());
  client fresh(server.port());
  ASSERT_TRUE(fresh.send(get("/echo")));
  EXPECT_TRUE(fresh.read_response());
  EXPECT_FALSE(server.returned());
  EXPECT_TRUE(server.wait_returned(3s));
  EXPECT_GE(since(start), 550ms);
}

TEST(Lifecycle, ASecondSignalEndsTheDrainAtOnce) {
  auto cfg = test_config();
  cfg.drain = 10s;
  draining_handler handler;
  running_server server(cfg, handler);
  client c(server.port());
  ASSERT_TRUE(c.send(get("/echo")));
  ASSERT_TRUE(c.read_response());
  std::raise(SIGTERM);
  const auto until = steady::now() + 1s;
  while (!handler.drained && steady::now() < until) std::this_thread::sleep_for(5ms);
  ASSERT_TRUE(handler.drained);
  const auto start = steady::now();
  std::raise(SIGTERM);
  EXPECT_TRUE(server.wait_returned(2s));
  EXPECT_LT(since(start), 2s);
}

}  // namespace
}  // namespace mizan::http::test
