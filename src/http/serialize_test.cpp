#include "http/serialize.hpp"

#include <gtest/gtest.h>

namespace mizan::http::detail {
namespace {

// Expected values from: node -e 'console.log(new Date(T*1000).toUTCString())'
// (the first is also RFC 9110 §5.6.7's example).
TEST(HttpDate, FormatsImfFixdate) {
  EXPECT_EQ(http_date(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(http_date(1700000000), "Tue, 14 Nov 2023 22:13:20 GMT");
  EXPECT_EQ(http_date(4102444799), "Thu, 31 Dec 2099 23:59:59 GMT");
}

TEST(WriteHead, KeepAliveResponse) {
  response r;
  r.status = 201;
  r.headers = {{"Content-Type", "application/json"}, {"X-Mizan-Cache", "miss"}};
  r.body = "{\"a\":1}";
  std::string out = "stale contents are replaced";
  write_head(r, "Sun, 06 Nov 1994 08:49:37 GMT", persistence::keep, "", out);
  EXPECT_EQ(out,
            "HTTP/1.1 201 Created\r\n"
            "Content-Type: application/json\r\n"
            "X-Mizan-Cache: miss\r\n"
            "Content-Length: 7\r\n"
            "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
            "\r\n");
}

TEST(WriteHead, CloseAndHttp10KeepAlive) {
  response r;
  r.body = "abc";
  std::string out;
  write_head(r, "D", persistence::close, "", out);
  EXPECT_EQ(out, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nDate: D\r\nConnection: close\r\n\r\n");
  write_head(r, "D", persistence::keep_alive_10, "", out);
  EXPECT_EQ(out,
            "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nDate: D\r\nConnection: keep-alive\r\n\r\n");
}

TEST(WriteHead, ServerOwnedHeadersFromTheApplicationAreDropped) {
  response r;
  r.headers = {{"content-length", "999"},
               {"Transfer-Encoding", "chunked"},
               {"Connection", "keep-alive"},
               {"DATE", "yesterday"},
               {"X-Kept", "1"}};
  r.shared_body = std::make_shared<const std::string>("12345");
  std::string out;
  write_head(r, "D", persistence::keep, "", out);
  EXPECT_EQ(out, "HTTP/1.1 200 OK\r\nX-Kept: 1\r\nContent-Length: 5\r\nDate: D\r\n\r\n");
}

TEST(WriteHead, NoContentLengthFor204And304) {
  for (int status : {204, 304}) {
    response r;
    r.status = status;
    r.body = "x";
    std::string out;
    write_head(r, "D", persistence::keep, "", out);
    EXPECT_EQ(out.find("Content-Length"), std::string::npos) << status;
    EXPECT_TRUE(status_without_body(status));
  }
  EXPECT_FALSE(status_without_body(200));
}

TEST(WriteHead, UnknownStatusHasEmptyReason) {
  response r;
  r.status = 299;
  std::string out;
  write_head(r, "D", persistence::keep, "", out);
  EXPECT_EQ(out.substr(0, 15), "HTTP/1.1 299 \r\n");
}

TEST(CheckHeader, RefusesResponseSplitting) {
  EXPECT_EQ(check_header({"X-A", "plain value\twith tab"}), nullptr);
  EXPECT_EQ(check_header({"X-A", "caf\xc3\xa9"}), nullptr);  // obs-text is allowed
  EXPECT_NE(check_header({"X-A", "a\r\nSet-Cookie: x=1"}), nullptr);
  EXPECT_NE(check_header({"X-A", "a\nb"}), nullptr);
  EXPECT_NE(check_header({"X-A", "a\rb"}), nullptr);
  EXPECT_NE(check_header({"X-A", std::string("a\0b", 3)}), nullptr);
  EXPECT_NE(check_header({"X-A", "a\x7f"}), nullptr);
  EXPECT_NE(check_header({"X-A\r\nY", "v"}), nullptr);
  EXPECT_NE(check_header({"X A", "v"}), nullptr);
  EXPECT_NE(check_header({"X:A", "v"}), nullptr);
  EXPECT_NE(check_header({"", "v"}), nullptr);
}

TEST(ValidStatus, OnlyFinalStatuses) {
  EXPECT_TRUE(valid_status(200));
  EXPECT_TRUE(valid_status(599));
  EXPECT_FALSE(valid_status(101));
  EXPECT_FALSE(valid_status(600));
  EXPECT_FALSE(valid_status(0));
}

TEST(ErrorResponse, UsesProtocolErrorBody) {
  auto r = error_response(errc::bad_request, "Bad \"thing\"\n", true);
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(r.close);
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].name, "Content-Type");
  EXPECT_EQ(r.headers[0].value, "application/json");
  EXPECT_EQ(r.body, R"({"error":{"code":"bad_request","message":"Bad \"thing\"\n"}})");
  auto big = error_response(errc::payload_too_large, "Too large.");
  EXPECT_EQ(big.status, 413);
  EXPECT_FALSE(big.close);
  EXPECT_EQ(big.body, R"({"error":{"code":"payload_too_large","message":"Too large."}})");
}

TEST(WriteHead, CommonHeadersGoWithEveryResponse) {
  response r;
  r.status = 404;
  r.headers.push_back({"Content-Type", "application/json"});
  std::string out;
  write_head(r, "D", persistence::keep, format_headers({{"X-Mizan-Schema", "abc"}}), out);
  EXPECT_EQ(out,
            "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 0\r\n"
            "X-Mizan-Schema: abc\r\nDate: D\r\n\r\n");
}

TEST(FormatHeaders, RefusesWhatCheckHeaderRefuses) {
  EXPECT_EQ(format_headers({{"A", "1"}, {"B", "2"}}), "A: 1\r\nB: 2\r\n");
  EXPECT_THROW(format_headers({{"X-A", "a\r\nSet-Cookie: x=1"}}), std::invalid_argument);
  EXPECT_THROW(format_headers({{"Bad Name", "1"}}), std::invalid_argument);
}

}  // namespace
}  // namespace mizan::http::detail
