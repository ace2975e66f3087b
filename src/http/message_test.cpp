#include "http/message.hpp"

#include <gtest/gtest.h>

namespace mizan::http {
namespace {

TEST(Request, PathAndQuerySplitAtFirstQuestionMark) {
  request r;
  r.target = "/api/mizan/ctx/todos/?a=1&b=?x";
  EXPECT_EQ(r.path(), "/api/mizan/ctx/todos/");
  EXPECT_EQ(r.query(), "a=1&b=?x");
  r.target = "/plain";
  EXPECT_EQ(r.path(), "/plain");
  EXPECT_EQ(r.query(), "");
  r.target = "/empty?";
  EXPECT_EQ(r.path(), "/empty");
  EXPECT_EQ(r.query(), "");
}

TEST(Request, FindIsCaseInsensitiveAndReturnsFirstMatch) {
  request r;
  r.headers = {{"X-A", "1"}, {"content-TYPE", "text/plain"}, {"x-a", "2"}};
  ASSERT_NE(r.find("x-a"), nullptr);
  EXPECT_EQ(*r.find("x-a"), "1");
  EXPECT_EQ(*r.find("Content-Type"), "text/plain");
  EXPECT_EQ(r.find("content-typ"), nullptr);
  EXPECT_EQ(r.find("missing"), nullptr);
}

TEST(Request, ClearEmptiesButKeepsCapacity) {
  request r;
  r.method = "POST";
  r.target = "/x";
  r.version = 10;
  r.headers = {{"A", "b"}, {"C", "d"}};
  r.body.assign(1000, 'x');
  r.remote_address = "127.0.0.1";
  auto body_capacity = r.body.capacity();
  auto header_capacity = r.headers.capacity();
  r.clear();
  EXPECT_TRUE(r.method.empty());
  EXPECT_TRUE(r.target.empty());
  EXPECT_EQ(r.version, 11);
  EXPECT_TRUE(r.headers.empty());
  EXPECT_TRUE(r.body.empty());
  EXPECT_TRUE(r.remote_address.empty());
  EXPECT_EQ(r.body.capacity(), body_capacity);
  EXPECT_EQ(r.headers.capacity(), header_capacity);
}

TEST(Response, BodyViewPrefersSharedBody) {
  response r;
  r.body = "own";
  EXPECT_EQ(r.body_view(), "own");
  auto shared = std::make_shared<const std::string>("shared");
  r.shared_body = shared;
  EXPECT_EQ(r.body_view(), "shared");
  EXPECT_EQ(r.body_view().data(), shared->data());  // not a copy
}

TEST(Iequals, ComparesAsciiCaseInsensitively) {
  EXPECT_TRUE(iequals("Transfer-Encoding", "transfer-encoding"));
  EXPECT_FALSE(iequals("chunked", "chunked "));
  EXPECT_FALSE(iequals("a", "b"));
  EXPECT_TRUE(iequals("", ""));
}

}  // namespace
}  // namespace mizan::http
