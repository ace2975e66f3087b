// Request bodies and memory: the process-wide body budget, and what a
// kept-alive connection holds between requests.
#include <gtest/gtest.h>

#include "http/test_util.hpp"

namespace mizan::http::test {
namespace {

std::string post(std::string_view target, std::size_t body_bytes, bool keep_alive = true) {
  std::string r = "POST ";
  r.append(target).append(" HTTP/1.1\r\nHost: t\r\nContent-Length: ");
  r.append(std::to_string(body_bytes)).append("\r\n");
  if (!keep_alive) r.append("Connection: close\r\n");
  r.append("\r\n").append(body_bytes, 'x');
  return r;
}

bool eventually(const std::function<bool()>& condition) {
  const auto end = steady::now() + 2s;
  while (!condition()) {
    if (steady::now() > end) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

TEST(BodyMemory, KeptAliveConnectionDoesNotPinItsLargestBody) {
  auto cfg = test_config();
  test_handler handler;
  running_server server(cfg, handler);
  client c(server.port());
  ASSERT_TRUE(c.send(post("/echo", 900 * 1024)));
  auto big = c.read_response();
  ASSERT_TRUE(big);
  ASSERT_EQ(big->status, 200);
  // The next request on the same connection finds a small buffer again.
  ASSERT_TRUE(c.send(post("/capacity", 10)));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_LE(std::stoul(r->body), cfg.kept_body_bytes);
}

TEST(BodyMemory, SmallBodiesKeepTheirBufferForReuse) {
  auto cfg = test_config();
  test_handler handler;
  running_server server(cfg, handler);
  client c(server.port());
  ASSERT_TRUE(c.send(post("/echo", 4000)));
  ASSERT_TRUE(c.read_response());
  ASSERT_TRUE(c.send(post("/capacity", 10)));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_GE(std::stoul(r->body), 4000u);
}

TEST(BodyMemory, BodiesBeyondTheProcessBudgetGet503AndTheBudgetIsReturned) {
  auto cfg = test_config();
  cfg.max_body_memory = 2 * 1024 * 1024;
  test_handler handler;
  running_server server(cfg, handler);
  const std::size_t body = 900 * 1024;

  client first(server.port());
  client second(server.port());
  ASSERT_TRUE(first.send(post("/hold", body)));
  ASSERT_TRUE(second.send(post("/hold", body)));
  ASSERT_TRUE(eventually([&] { return handler.held() == 2; }));
  EXPECT_GE(server.body_bytes(), 2 * body);

  // A third body does not fit: refused at once, before it is read.
  client third(server.port());
  ASSERT_TRUE(third.send(post("/echo", body)));
  auto refused = third.read_response();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 503);
  EXPECT_NE(refused->body.find("\"code\":\"unavailable\""), std::string::npos);
  EXPECT_EQ(refused->value("Retry-After"), "1");

  // Once the held bodies are answered their budget is free again.
  handler.release();
  ASSERT_TRUE(first.read_response());
  ASSERT_TRUE(second.read_response());
  EXPECT_TRUE(eventually([&] { return server.body_bytes() == 0; }));
  client fourth(server.port());
  ASSERT_TRUE(fourth.send(post("/echo", body)));
  auto accepted = fourth.read_response();
  ASSERT_TRUE(accepted);
  EXPECT_EQ(accepted->status, 200);
  EXPECT_TRUE(eventually([&] { return server.body_bytes() == 0; }));
}

TEST(BodyMemory, ChunkedBodyIsChargedAsItGrows) {
  auto cfg = test_config();
  cfg.max_body_memory = 64 * 1024;
  test_handler handler;
  running_server server(cfg, handler);
  client c(server.port());
  std::string request = "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n";
  const std::string chunk(16 * 1024, 'y');
  for (int i = 0; i < 8; ++i) request += "4000\r\n" + chunk + "\r\n";
  request += "0\r\n\r\n";
  ASSERT_TRUE(c.send(request));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_TRUE(eventually([&] { return server.body_bytes() == 0; }));
}

}  // namespace
}  // namespace mizan::http::test
