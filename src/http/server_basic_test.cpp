// Round trips through a real socket: methods, keep-alive, pipelining, HEAD,
// HTTP/1.0, chunked and 100-continue request bodies.
#include <gtest/gtest.h>

#include "http/test_util.hpp"

namespace mizan::http::test {
namespace {

class ServerBasic : public ::testing::Test {
 protected:
  blocking_pool pool_{2};
  test_handler handler_{&pool_};
  running_server server_{test_config(), handler_};
};

TEST_F(ServerBasic, GetEcho) {
  client c(server_.port());
  ASSERT_TRUE(c.send(get("/echo?a=1&b=%20")));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "GET /echo?a=1&b=%20\n");
  EXPECT_EQ(r->value("Content-Length"), "20");
  EXPECT_EQ(r->value("Content-Type"), "text/plain");
  EXPECT_EQ(r->value("X-Version"), "11");
  EXPECT_EQ(r->value("X-Remote"), "127.0.0.1");
  EXPECT_EQ(r->value("Date").size(), 29u);
  EXPECT_EQ(r->value("Date").substr(26), "GMT");
  EXPECT_EQ(r->find("Connection"), nullptr);
}

TEST_F(ServerBasic, PostEchoWithContentLength) {
  client c(server_.port());
  ASSERT_TRUE(c.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 11\r\n\r\nhello world"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "POST /echo\nhello world");
}

TEST_F(ServerBasic, PostEchoWithChunkedBody) {
  client c(server_.port());
  ASSERT_TRUE(
      c.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
             "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "POST /echo\nhello world");
}

TEST_F(ServerBasic, KeepAliveServesTwoRequestsOnOneSocket) {
  client c(server_.port());
  ASSERT_TRUE(c.send(get("/echo?n=1")));
  auto first = c.read_response();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->body, "GET /echo?n=1\n");
  ASSERT_TRUE(c.send("POST /echo?n=2 HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc"));
  auto second = c.read_response();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->body, "POST /echo?n=2\nabc");
  EXPECT_EQ(handler_.calls.load(), 2);
}

TEST_F(ServerBasic, PipelinedRequestsAreAnsweredInOrder) {
  client c(server_.port());
  // The first is answered late from the pool; the others at once.
  ASSERT_TRUE(c.send(get("/slow?ms=100&id=1") + get("/echo?id=2") +
                     "POST /echo?id=3 HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nhi" +
                     get("/echo?id=4", "Connection: close\r\n")));
  std::vector<std::string> bodies;
  for (int i = 0; i < 4; ++i) {
    auto r = c.read_response();
    ASSERT_TRUE(r) << i;
    bodies.push_back(r->body);
  }
  EXPECT_EQ(bodies, (std::vector<std::string>{"GET /slow?ms=100&id=1\n", "GET /echo?id=2\n",
                                              "POST /echo?id=3\nhi", "GET /echo?id=4\n"}));
  EXPECT_EQ(c.read_until_close(), "");
}

TEST_F(ServerBasic, HeadSendsHeadersOnly) {
  client c(server_.port());
  ASSERT_TRUE(c.send("HEAD /echo HTTP/1.1\r\nHost: t\r\n\r\n"));
  auto r = c.read_response(/*head_request=*/true);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->value("Content-Length"), "11");  // "HEAD /echo\n", not sent
  // A body would now be read as the start of the next response.
  ASSERT_TRUE(c.send(get("/echo?after-head")));
  auto next = c.read_response();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
  EXPECT_EQ(next->body, "GET /echo?after-head\n");
}

TEST_F(ServerBasic, Http10ClosesByDefault) {
  client c(server_.port());
  ASSERT_TRUE(c.send("GET /echo HTTP/1.0\r\n\r\n"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->value("X-Version"), "10");
  EXPECT_EQ(r->value("Connection"), "close");
  EXPECT_EQ(c.read_until_close(), "");
}

TEST_F(ServerBasic, Http10KeepAliveWhenAsked) {
  client c(server_.port());
  ASSERT_TRUE(c.send("GET /echo?n=1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->value("Connection"), "keep-alive");
  ASSERT_TRUE(c.send("GET /echo?n=2 HTTP/1.0\r\n\r\n"));
  auto second = c.read_response();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->body, "GET /echo?n=2\n");
  EXPECT_EQ(second->value("Connection"), "close");
}

TEST_F(ServerBasic, Http11ConnectionCloseIsHonoured) {
  client c(server_.port());
  ASSERT_TRUE(c.send(get("/echo", "Connection: close\r\n")));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->value("Connection"), "close");
  EXPECT_EQ(c.read_until_close(), "");
}

TEST_F(ServerBasic, ExpectContinueGetsAnInterimResponse) {
  client c(server_.port());
  ASSERT_TRUE(c.send(
      "POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n"));
  ASSERT_TRUE(c.read_continue());
  ASSERT_TRUE(c.send("data"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "POST /echo\ndata");
}

TEST_F(ServerBasic, SharedBodyIsWritten) {
  client c(server_.port());
  ASSERT_TRUE(c.send(get("/shared")));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "cached");
  EXPECT_EQ(r->value("Content-Length"), "6");
}

TEST_F(ServerBasic, NoContentHasNeitherBodyNorLength) {
  client c(server_.port());
  ASSERT_TRUE(c.send(get("/status?code=204") + get("/echo?after")));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 204);
  EXPECT_EQ(r->find("Content-Length"), nullptr);
  auto next = c.read_response();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, "GET /echo?after\n");
}

TEST_F(ServerBasic, ManyClientsAtOnce) {
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      client c(server_.port());
      for (int i = 0; i < 20; ++i) {
        auto target = "/echo?t=" + std::to_string(t) + "&i=" + std::to_string(i);
        if (!c.send(get(target))) return;
        auto r = c.read_response();
        if (r && r->body == "GET " + target + "\n") ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 160);
}

}  // namespace
}  // namespace mizan::http::test
