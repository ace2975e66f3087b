// Commands against the ctest run's redis-server (the `redis` fixture): replies,
// binary-safe values, pipelining, AUTH (an ACL user of the test's own), SELECT
// and the Unix socket. Keys carry the test's name and pid: tests run in
// parallel on one server.
#include "redis/client.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <string>

#include "redis/endpoint.hpp"
#include "redis/test_server.hpp"

namespace mizan::redis {
namespace {

std::string key(std::string_view name) {
  return "mizan-test:" + std::to_string(::getpid()) + ":" + std::string(name);
}

TEST(RedisLive, CommandsAndReplyKinds) {
  client c(test::shared_tcp());
  EXPECT_EQ(c.command("PING"), (reply{.type = reply::kind::status, .str = "PONG"}));
  const std::string k = key("kinds");
  EXPECT_TRUE(c.command("GET", k).is_nil());
  EXPECT_EQ(c.command("SET", k, 41).str, "OK");
  EXPECT_EQ(c.command("INCR", k).integer, 42);
  EXPECT_EQ(c.command("GET", k).str, "42");
  EXPECT_EQ(c.command("RPUSH", key("list"), "a", "b").integer, 2);
  const reply list = c.command("LRANGE", key("list"), 0, -1);
  ASSERT_EQ(list.type, reply::kind::array);
  ASSERT_EQ(list.elements.size(), 2u);
  EXPECT_EQ(list.elements[1].str, "b");
  // An error reply is a value, and the connection stays usable.
  const reply wrong = c.command("INCR", key("list"));
  EXPECT_TRUE(wrong.is_error());
  EXPECT_EQ(wrong.str.rfind("WRONGTYPE", 0), 0u) << wrong.str;
  EXPECT_TRUE(c.health().healthy());
  c.command("DEL", k, key("list"));
}

TEST(RedisLive, ValuesAreBinarySafe) {
  client c(test::shared_tcp());
  const std::string k = key(std::string("bin\0key", 7));
  const std::string value("a\0b\r\n\xff\x00z", 8);
  EXPECT_EQ(c.command("SET", k, value).str, "OK");
  const reply r = c.command("GET", k);
  EXPECT_EQ(r.str, value);
  EXPECT_EQ(r.str.size(), 8u);
  EXPECT_EQ(c.command("STRLEN", k).integer, 8);
  c.command("DEL", k);
}

TEST(RedisLive, PipelineInOneRoundTrip) {
  client c(test::shared_tcp());
  const std::string k = key("pipe");
  pipeline p;
  p.add("SET", k, 1).add("INCRBY", k, 9).add("GET", k).add("LPUSH", k, "x").add("DEL", k);
  const std::vector<reply> r = c.execute(p);
  ASSERT_EQ(r.size(), 5u);
  EXPECT_EQ(r[0].str, "OK");
  EXPECT_EQ(r[1].integer, 10);
  EXPECT_EQ(r[2].str, "10");
  EXPECT_TRUE(r[3].is_error());  // WRONGTYPE, in its place
  EXPECT_EQ(r[4].integer, 1);
  // 1000 commands, one write and the replies read in order.
  pipeline many;
  for (int i = 0; i < 1000; ++i) many.add("ECHO", i);
  const auto echoes = c.execute(many);
  ASSERT_EQ(echoes.size(), 1000u);
  EXPECT_EQ(echoes[999].str, "999");
}

TEST(RedisLive, AclUserAuthAndSelect) {
  client admin(test::shared_tcp());
  const std::string user = "mizan-test-" + std::to_string(::getpid());
  ASSERT_EQ(
      admin.command("ACL", "SETUSER", user, "reset", "on", ">s3cret", "~*", "&*", "+@all").str,
      "OK");
  config c = test::shared_tcp();
  c.user = user;
  c.password = "s3cret";
  c.db = 5;
  client authed(c);
  EXPECT_EQ(authed.command("ACL", "WHOAMI").str, user);
  const std::string k = key("db5");
  authed.command("SET", k, "in five");
  EXPECT_TRUE(admin.command("GET", k).is_nil());  // db 0
  admin.command("SELECT", 5);
  EXPECT_EQ(admin.command("GET", k).str, "in five");
  authed.command("DEL", k);

  c.password = "wrong-password";
  client refused(c);
  try {
    refused.command("PING");
    FAIL() << "AUTH with a wrong password succeeded";
  } catch (const unavailable& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("AUTH"), std::string::npos) << what;
    EXPECT_EQ(what.find("wrong-password"), std::string::npos) << what;
  }
  admin.command("ACL", "DELUSER", user);
}

TEST(RedisLive, UnixSocketUrl) {
  const config c = parse_url("unix://" + test::shared_socket() + "?db=1&command_timeout=500");
  client u(c);
  const std::string k = key("unix");
  EXPECT_EQ(u.command("SET", k, "v").str, "OK");
  EXPECT_EQ(u.command("GET", k).str, "v");
  u.command("DEL", k);
}

TEST(RedisLive, EndpointLendsPooledConnections) {
  endpoint e(test::shared_tcp());
  EXPECT_EQ(e.command("PING").str, "PONG");
  std::int64_t first_id = 0;
  {
    auto a = e.acquire();
    first_id = a->command("CLIENT", "ID").integer;
    auto b = e.acquire();  // a second, while a is lent
    EXPECT_NE(b->command("CLIENT", "ID").integer, first_id);
  }
  EXPECT_TRUE(e.healthy());
  EXPECT_EQ(e.outages(), 0u);
}

TEST(RedisLive, ConnectionKilledByServerReconnectsAndCountsAnOutage) {
  endpoint e(test::shared_tcp(), retry_policy{.backoff_min = std::chrono::milliseconds(20)});
  auto c = e.acquire();
  const std::int64_t id = c->command("CLIENT", "ID").integer;
  client killer(test::shared_tcp());
  EXPECT_EQ(killer.command("CLIENT", "KILL", "ID", id).integer, 1);
  EXPECT_THROW(c->command("PING"), unavailable);  // the EOF
  EXPECT_EQ(e.outages(), 1u);
  EXPECT_THROW(c->command("PING"), unavailable);  // within the backoff: at once
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_EQ(c->command("PING").str, "PONG");
  EXPECT_TRUE(e.healthy());
}

}  // namespace
}  // namespace mizan::redis
