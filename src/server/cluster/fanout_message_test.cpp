#include "server/cluster/fanout_message.hpp"

#include "server/identity/identity.hpp"

#include <gtest/gtest.h>

namespace mizan::server {
namespace {

TEST(FanoutMessage, RoundTripsEveryEffect) {
  mutation_effects e;
  e.invalidate = {params::make_entry("todos"), params::make_entry("todo", {{"id", 5}}),
                  params::make_entry("search", {{"q", "a b&c=\"d\""}})};
  e.user_id = 3;
  e.other_users = {7, 9};
  e.ended_session = session_tag("secret session key");
  e.ended_sessions_of = 3;
  e.published = {{"activity", R"({"text":"</script>\u2028"})"}};
  e.from_socket = 42;  // local only: not sent

  const std::string text = encode_fanout("inst-a", e);
  EXPECT_EQ(text.find("secret session key"), std::string::npos);
  const auto m = decode_fanout(text);
  ASSERT_TRUE(m) << text;
  EXPECT_EQ(m->from, "inst-a");
  EXPECT_FALSE(m->missed);
  EXPECT_EQ(m->effects.invalidate, e.invalidate);
  EXPECT_EQ(m->effects.user_id, 3);
  EXPECT_EQ(m->effects.other_users, e.other_users);
  EXPECT_EQ(m->effects.ended_session, e.ended_session);
  EXPECT_EQ(m->effects.ended_sessions_of, 3);
  EXPECT_EQ(m->effects.published, e.published);
  EXPECT_EQ(m->effects.from_socket, 0u);
}

TEST(FanoutMessage, LeavesOutWhatIsEmpty) {
  mutation_effects e;
  e.invalidate = {params::make_entry("stats")};
  EXPECT_EQ(encode_fanout("x", e), R"({"v":1,"from":"x","invalidate":"stats"})");
  const auto m = decode_fanout(encode_fanout("x", e));
  ASSERT_TRUE(m);
  EXPECT_FALSE(m->effects.user_id);
  EXPECT_TRUE(m->effects.other_users.empty());
}

TEST(FanoutMessage, Missed) {
  const auto m = decode_fanout(encode_missed("b"));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->from, "b");
  EXPECT_TRUE(m->missed);
}

TEST(FanoutMessage, RefusesWhatIsMalformed) {
  for (const char* text :
       {"", "[]", "not json", R"({"from":"a"})", R"({"v":2,"from":"a"})", R"({"v":1})",
        R"({"v":1,"from":5})", R"({"v":1,"from":"a","invalidate":["todos"]})",
        R"({"v":1,"from":"a","invalidate":"bad name!"})", R"({"v":1,"from":"a","user":"3"})",
        R"({"v":1,"from":"a","users":[1,"2"]})", R"({"v":1,"from":"a","user":1.5})",
        R"({"v":1,"from":"a","published":[["ch"]]})", R"({"v":1,"from":"a","missed":1})",
        R"({"v":1,"from":"a","sessions_of":18446744073709551615})"}) {
    EXPECT_FALSE(decode_fanout(text)) << text;
  }
  // A newer instance's extra member is ignored.
  EXPECT_TRUE(decode_fanout(R"({"v":1,"from":"a","invalidate":"todos","later":{}})"));
}

}  // namespace
}  // namespace mizan::server
