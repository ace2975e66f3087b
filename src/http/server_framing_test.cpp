// Request smuggling and size limits: every ambiguous framing is answered 400
// and the connection closed, so bytes hidden behind it are never served.
#include <gtest/gtest.h>

#include <ostream>

#include "http/diagnostics.hpp"
#include "http/test_util.hpp"

namespace mizan::http::test {
namespace {

struct smuggling_case {
  const char* name;
  const char* head;  ///< the ambiguous request, up to and including its blank line
  const char* message;
};

void PrintTo(const smuggling_case& c, std::ostream* os) {
  *os << c.name;
}

// The bytes after each head form a complete second request; Beast 1.81 alone
// would serve it for several of these (see TRAPS.md).
constexpr const char* smuggled = "GET /echo?smuggled HTTP/1.1\r\nHost: t\r\n\r\n";

const smuggling_case cases[] = {
    {"TransferEncodingChunkedWithContentLength",
     "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n"
     "0\r\n\r\n",
     nullptr},
    {"TransferEncodingGzipWithContentLength",
     "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\nContent-Length: 5\r\n\r\nhello",
     "Unsupported Transfer-Encoding."},
    {"TransferEncodingChunkedIdentity",
     "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked, identity\r\n\r\n",
     "Unsupported Transfer-Encoding."},
    {"TransferEncodingIdentity",
     "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: identity\r\n\r\n",
     "Unsupported Transfer-Encoding."},
    {"TransferEncodingXchunked",
     "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: xchunked\r\n\r\n",
     "Unsupported Transfer-Encoding."},
    {"TransferEncodingGzip", "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n",
     "Unsupported Transfer-Encoding."},
    {"TransferEncodingOnHttp10",
     "POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
     "Transfer-Encoding on an HTTP/1.0 request."},
    {"TransferEncodingTwice",
     "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n"
     "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
     nullptr},
    {"ObsFoldedTransferEncoding",
     "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n",
     "Obsolete line folding in request header."},
    {"ObsFoldedHeaderWithTab", "GET /echo HTTP/1.1\r\nHost: t\r\nX-A: a\r\n\tb\r\n\r\n",
     "Obsolete line folding in request header."},
    {"MissingHostOnHttp11", "GET /echo HTTP/1.1\r\nX-A: a\r\n\r\n", "Missing Host header."},
    {"TwoHosts", "GET /echo HTTP/1.1\r\nHost: t\r\nHost: u\r\n\r\n", "More than one Host header."},
    {"TwoEqualContentLengths",
     "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello",
     nullptr},
    {"ContentLengthList", "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5, 5\r\n\r\nhello",
     nullptr},
    {"BareLfLineEnding", "GET /echo HTTP/1.1\nHost: t\n\n", "Bare LF in request header."},
    {"BareCrInHeader", "GET /echo HTTP/1.1\r\nHost: t\r\nX-A: a\rb\r\n\r\n",
     "Bare CR in request header."},
};

class Smuggling : public ::testing::TestWithParam<smuggling_case> {};

TEST_P(Smuggling, Answers400AndNeverServesTheSmuggledRequest) {
  test_handler handler;
  running_server server(test_config(), handler);
  client c(server.port());
  ASSERT_TRUE(c.send(std::string(GetParam().head) + smuggled));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(r->value("Connection"), "close");
  EXPECT_EQ(r->value("Content-Type"), "application/json");
  if (GetParam().message) {
    EXPECT_EQ(r->body, std::string(R"({"error":{"code":"bad_request","message":")") +
                           GetParam().message + "\"}}");
  } else {
    EXPECT_EQ(r->body.rfind(R"({"error":{"code":"bad_request","message":)", 0), 0u) << r->body;
  }
  EXPECT_EQ(c.read_until_close(), "");  // no second response
  EXPECT_EQ(handler.calls.load(), 0);
}

INSTANTIATE_TEST_SUITE_P(Framing, Smuggling, ::testing::ValuesIn(cases),
                         [](const auto& info) { return std::string(info.param.name); });

class Limits : public ::testing::Test {
 protected:
  static server_config config() {
    auto c = test_config();
    c.max_body_bytes = 1024;
    return c;
  }
  test_handler handler_;
  running_server server_{config(), handler_};
};

TEST_F(Limits, ContentLengthOverTheLimitIs413) {
  client c(server_.port());
  ASSERT_TRUE(c.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1025\r\n\r\n"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(r->body,
            R"({"error":{"code":"payload_too_large","message":"Request body too large."}})");
  EXPECT_EQ(r->value("Connection"), "close");
  EXPECT_EQ(handler_.calls.load(), 0);
}

TEST_F(Limits, BodyExactlyAtTheLimitIsAccepted) {
  client c(server_.port());
  ASSERT_TRUE(c.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1024\r\n\r\n" +
                     std::string(1024, 'b')));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body.size(), std::string("POST /echo\n").size() + 1024);
}

TEST_F(Limits, ChunkedBodyGrowingOverTheLimitIs413) {
  client c(server_.port());
  std::string chunk(600, 'c');
  ASSERT_TRUE(
      c.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
             "258\r\n" +
             chunk + "\r\n258\r\n" + chunk + "\r\n0\r\n\r\n"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(handler_.calls.load(), 0);
}

TEST_F(Limits, OversizedHeaderIs400) {
  client c(server_.port());
  ASSERT_TRUE(c.send(get("/echo", "X-Big: " + std::string(17 * 1024, 'h') + "\r\n")));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(r->body, R"({"error":{"code":"bad_request","message":"Request header too large."}})");
  EXPECT_EQ(handler_.calls.load(), 0);
}

TEST_F(Limits, EmptyLinesBeforeTheRequestCountTowardsTheLimit) {
  client c(server_.port());
  std::string lines;
  for (int i = 0; i < 16 * 1024; ++i) lines += "\r\n";
  std::thread sender([&] { c.send(lines + get("/echo")); });
  auto r = c.read_response();
  sender.join();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(handler_.calls.load(), 0);
}

TEST_F(Limits, AFewEmptyLinesBeforeTheRequestAreIgnored) {
  client c(server_.port());
  ASSERT_TRUE(c.send("\r\n\r\n" + get("/echo")));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "GET /echo\n");
}

TEST_F(Limits, HugeChunkExtensionDoesNotGrowTheReadBuffer) {
  // 2 MB of chunk extension without CRLF: Beast 1.81 with an unbounded
  // flat_buffer grew it to 3 MiB.
  std::string attack =
      "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n1;ext=" +
      std::string(2 * 1024 * 1024, 'a');
  {
    client c(server_.port());
    std::thread sender([&] { c.send(attack); });  // may fail midway: the server closes
    auto r = c.read_response();
    sender.join();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400);
    EXPECT_EQ(r->body, R"({"error":{"code":"bad_request","message":"Chunk header too long."}})");
  }
  server_.join();  // connections are gone: their buffers are accounted for
  EXPECT_GT(detail::peak_read_buffer_bytes(), 0u);
  EXPECT_LE(detail::peak_read_buffer_bytes(), 16u * 1024 + 8 * 1024);
  EXPECT_EQ(handler_.calls.load(), 0);
}

}  // namespace
}  // namespace mizan::http::test
