#include "http/framing.hpp"

#include <gtest/gtest.h>

#include <string>

namespace mizan::http::detail {
namespace {

using result = header_scanner::result;

TEST(HeaderScanner, FindsEndOfHeader) {
  header_scanner s;
  std::string data = "GET / HTTP/1.1\r\nHost: a\r\n\r\nBODY";
  ASSERT_EQ(s.scan(data), result::complete);
  EXPECT_EQ(s.begin(), 0u);
  EXPECT_EQ(s.end(), data.size() - 4);
}

TEST(HeaderScanner, ResumesAcrossPartialInputByteByByte) {
  header_scanner s;
  std::string data = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
  for (std::size_t i = 1; i < data.size(); ++i) {
    ASSERT_EQ(s.scan(std::string_view(data).substr(0, i)), result::need_more) << i;
  }
  ASSERT_EQ(s.scan(data), result::complete);
  EXPECT_EQ(s.end(), data.size());
}

TEST(HeaderScanner, SkipsEmptyLinesBeforeRequestLine) {
  header_scanner s;
  std::string data = "\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n";
  ASSERT_EQ(s.scan(data), result::complete);
  EXPECT_EQ(s.begin(), 4u);
  EXPECT_EQ(s.end(), data.size());
}

TEST(HeaderScanner, RefusesObsFoldWithSpaceOrTab) {
  for (std::string fold : {" ", "\t"}) {
    header_scanner s;
    std::string data = "GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n" + fold + "b\r\n\r\n";
    EXPECT_EQ(s.scan(data), result::bad);
    EXPECT_STREQ(s.error(), "Obsolete line folding in request header.");
  }
}

TEST(HeaderScanner, RefusesWhitespaceBeforeFirstHeaderField) {
  header_scanner s;
  EXPECT_EQ(s.scan("GET / HTTP/1.1\r\n Host: a\r\n\r\n"), result::bad);
}

TEST(HeaderScanner, RefusesBareLfAndBareCr) {
  header_scanner lf;
  EXPECT_EQ(lf.scan("GET / HTTP/1.1\nHost: a\r\n\r\n"), result::bad);
  EXPECT_STREQ(lf.error(), "Bare LF in request header.");
  header_scanner cr;
  EXPECT_EQ(cr.scan("GET / HTTP/1.1\r\nHost: a\rX: b\r\n\r\n"), result::bad);
  EXPECT_STREQ(cr.error(), "Bare CR in request header.");
}

TEST(HeaderScanner, SpaceInsideValueIsFine) {
  header_scanner s;
  EXPECT_EQ(s.scan("GET / HTTP/1.1\r\nHost: a\r\nX:  a b\t\r\n\r\n"), result::complete);
}

request make(int version, std::vector<header> headers) {
  request r;
  r.method = "POST";
  r.target = "/";
  r.version = version;
  r.headers = std::move(headers);
  return r;
}

TEST(CheckFraming, AcceptsOrdinaryRequests) {
  EXPECT_EQ(check_framing(make(11, {{"Host", "a"}})), nullptr);
  EXPECT_EQ(check_framing(make(11, {{"Host", "a"}, {"Content-Length", "5"}})), nullptr);
  EXPECT_EQ(check_framing(make(11, {{"host", "a"}, {"transfer-encoding", " Chunked "}})), nullptr);
  EXPECT_EQ(check_framing(make(10, {})), nullptr);
  EXPECT_EQ(check_framing(make(10, {{"Content-Length", "0"}})), nullptr);
}

TEST(CheckFraming, RefusesTransferEncodingWithContentLength) {
  EXPECT_STREQ(check_framing(make(
                   11, {{"Host", "a"}, {"Transfer-Encoding", "chunked"}, {"Content-Length", "5"}})),
               "Transfer-Encoding together with Content-Length.");
}

TEST(CheckFraming, RefusesEveryCodingButASingleChunked) {
  for (const char* te : {"chunked, identity", "identity", "xchunked", "gzip", "gzip, chunked",
                         "chunked, chunked", "chunked;x=1", ""}) {
    EXPECT_STREQ(check_framing(make(11, {{"Host", "a"}, {"Transfer-Encoding", te}})),
                 "Unsupported Transfer-Encoding.")
        << te;
  }
  EXPECT_STREQ(
      check_framing(make(
          11, {{"Host", "a"}, {"Transfer-Encoding", "chunked"}, {"Transfer-Encoding", "chunked"}})),
      "More than one Transfer-Encoding header.");
}

TEST(CheckFraming, RefusesTransferEncodingOnHttp10) {
  EXPECT_STREQ(check_framing(make(10, {{"Transfer-Encoding", "chunked"}})),
               "Transfer-Encoding on an HTTP/1.0 request.");
}

TEST(CheckFraming, HostMustAppearExactlyOnceInHttp11) {
  EXPECT_STREQ(check_framing(make(11, {})), "Missing Host header.");
  EXPECT_STREQ(check_framing(make(11, {{"Host", "a"}, {"HOST", "b"}})),
               "More than one Host header.");
  EXPECT_STREQ(check_framing(make(10, {{"Host", "a"}, {"Host", "a"}})),
               "More than one Host header.");
}

TEST(CheckFraming, RefusesRepeatedOrNonNumericContentLength) {
  EXPECT_STREQ(
      check_framing(make(11, {{"Host", "a"}, {"Content-Length", "5"}, {"content-length", "5"}})),
      "More than one Content-Length header.");
  for (const char* cl : {"5, 5", "+5", "-1", "0x10", ""}) {
    EXPECT_STREQ(check_framing(make(11, {{"Host", "a"}, {"Content-Length", cl}})),
                 "Invalid Content-Length.")
        << cl;
  }
}

TEST(CheckFraming, RefusesUnsupportedVersions) {
  EXPECT_STREQ(check_framing(make(20, {{"Host", "a"}})), "Unsupported HTTP version.");
  EXPECT_STREQ(check_framing(make(9, {})), "Unsupported HTTP version.");
}

}  // namespace
}  // namespace mizan::http::detail
