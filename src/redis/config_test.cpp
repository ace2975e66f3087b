// The URL rules, without a server: the forms accepted, and malformed URLs
// refused with a message that names the fault and never the password.
#include "redis/config.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace mizan::redis {
namespace {

std::string error_of(std::string_view url) {
  try {
    parse_url(url);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(RedisUrl, HostPortDb) {
  const config c = parse_url("redis://cache.internal:6380/3");
  EXPECT_EQ(c.host, "cache.internal");
  EXPECT_EQ(c.port, 6380);
  EXPECT_EQ(c.db, 3);
  EXPECT_TRUE(c.password.empty());
  EXPECT_TRUE(c.socket_path.empty());
  EXPECT_EQ(c.connect_timeout.count(), 1000);
  EXPECT_EQ(c.command_timeout.count(), 1000);
}

TEST(RedisUrl, Defaults) {
  const config c = parse_url("redis://localhost");
  EXPECT_EQ(c.port, 6379);
  EXPECT_EQ(c.db, 0);
  EXPECT_EQ(parse_url("redis://localhost/").db, 0);
}

TEST(RedisUrl, PasswordOnly) {
  const config c = parse_url("redis://:s%40cret@127.0.0.1");
  EXPECT_EQ(c.user, "");
  EXPECT_EQ(c.password, "s@cret");
}

TEST(RedisUrl, AclUserAndPassword) {
  const config c = parse_url("redis://app:p:w@10.0.0.1:7000/1");
  EXPECT_EQ(c.user, "app");
  EXPECT_EQ(c.password, "p:w");
  EXPECT_EQ(c.host, "10.0.0.1");
  EXPECT_EQ(c.port, 7000);
  EXPECT_EQ(c.db, 1);
}

TEST(RedisUrl, Ipv6) {
  const config c = parse_url("redis://[::1]:6390");
  EXPECT_EQ(c.host, "::1");
  EXPECT_EQ(c.port, 6390);
  EXPECT_EQ(c.where(), "[::1]:6390");
}

TEST(RedisUrl, Timeouts) {
  const config c = parse_url("redis://h?connect_timeout=250&command_timeout=75");
  EXPECT_EQ(c.connect_timeout.count(), 250);
  EXPECT_EQ(c.command_timeout.count(), 75);
}

TEST(RedisUrl, UnixSocket) {
  const config c = parse_url("unix:///run/redis/redis.sock?db=2&password=pw&command_timeout=50");
  EXPECT_EQ(c.socket_path, "/run/redis/redis.sock");
  EXPECT_TRUE(c.host.empty());
  EXPECT_EQ(c.db, 2);
  EXPECT_EQ(c.password, "pw");
  EXPECT_EQ(c.command_timeout.count(), 50);
  EXPECT_EQ(c.where(), "unix:///run/redis/redis.sock");
  EXPECT_EQ(parse_url("unix:///s?user=u&password=p").user, "u");
}

TEST(RedisUrl, TlsIsRefusedSayingWhy) {
  const std::string e = error_of("rediss://h:6380");
  EXPECT_NE(e.find("hiredis 0.14"), std::string::npos) << e;
  EXPECT_NE(e.find("TLS"), std::string::npos) << e;
}

TEST(RedisUrl, MalformedUrlsNameTheFault) {
  EXPECT_NE(error_of("http://h").find("redis://"), std::string::npos);
  EXPECT_NE(error_of("redis://").find("host"), std::string::npos);
  EXPECT_NE(error_of("redis://h:").find("port"), std::string::npos);
  EXPECT_NE(error_of("redis://h:99999").find("port"), std::string::npos);
  EXPECT_NE(error_of("redis://h:x1").find("port"), std::string::npos);
  EXPECT_NE(error_of("redis://h/x").find("db"), std::string::npos);
  EXPECT_NE(error_of("redis://h?command_timeout=0").find("command_timeout"), std::string::npos);
  EXPECT_NE(error_of("redis://h?colour=red").find("colour"), std::string::npos);
  EXPECT_NE(error_of("redis://[::1").find("IPv6"), std::string::npos);
  EXPECT_NE(error_of("unix://relative.sock").find("absolute"), std::string::npos);
  EXPECT_NE(error_of("unix:///s?db=a").find("db"), std::string::npos);
  EXPECT_NE(error_of("redis://u:@h").find("password"), std::string::npos);
}

TEST(RedisUrl, MessagesNeverEchoThePassword) {
  for (const char* url :
       {"redis://hunter2@h", "redis://:hunter2%zz@h", "redis://u:hunter2@h:bad",
        "redis://u:hunter2@h/bad", "redis://:hunter2@", "unix:///s?password=hunter2&db=x",
        "unix:///s?password=hunter2%4", "unix://u:hunter2@/s", "unix:///s?passwordhunter2",
        "redis://:hunter2@h?nope=1"}) {
    const std::string e = error_of(url);
    EXPECT_FALSE(e.empty()) << url;
    EXPECT_EQ(e.find("hunter2"), std::string::npos) << e;
  }
}

}  // namespace
}  // namespace mizan::redis
