// The caller, identity and CSRF without sockets: each transport builds a
// `caller`, and everything that decides who is calling reads only that.
#include "server/identity/identity.hpp"

#include "auth/jwt.hpp"
#include "mizan/users.hpp"
#include "server/identity/csrf.hpp"
#include "server/identity/session_effects.hpp"

#include "server/app/services.hpp"
#include "server/app/test_services.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using namespace mizan;
using namespace mizan::server;

class Identity : public ::testing::Test {
 protected:
  void SetUp() override {
    users::use_fast_hashing_for_tests();
    db::migrate(svc_.database, framework_migrations());
    alice_ = users::create(svc_.database.connection(), {"alice", "", "password one"});
    bob_ = users::create(svc_.database.connection(), {"bob", "", "password two"});
  }

  /// A live session of `u` under `id`, with CSRF token `csrf`.
  void save_session(std::string_view id, const user& u, std::string csrf = "t") {
    svc_.sessions->save(id, session_record{u.id, std::move(csrf), unix_now() + 3600});
  }

  static caller with_cookies(std::string_view cookies) {
    caller c;
    c.method = "POST";
    c.cookies = cookies;
    return c;
  }

  registry reg_;
  services svc_{test::in_memory_settings(), reg_};
  user alice_;
  user bob_;
};

TEST(Caller, IsReadFromARequestInOnePass) {
  http::request req;
  req.method = "POST";
  req.remote_address = "10.0.0.7";
  req.headers = {{"cookie", "a=1"},
                 {"Authorization", "Bearer abc.def"},
                 {"Origin", "http://app.example"},
                 {"x-csrf-token", "tok"},
                 {"Cookie", "second=ignored"},
                 {"X-Custom", "yes"}};
  const caller c = caller_of(req);
  EXPECT_EQ(c.method, "POST");
  EXPECT_EQ(c.remote_address, "10.0.0.7");
  EXPECT_EQ(c.cookies, "a=1");  // the first Cookie header, as before
  EXPECT_EQ(c.bearer, "abc.def");
  EXPECT_EQ(c.origin, "http://app.example");
  EXPECT_EQ(c.csrf_token, "tok");
  EXPECT_EQ(c.header("x-custom"), "yes");
  EXPECT_EQ(c.header("Missing"), "");

  http::request plain;
  plain.headers = {{"Authorization", "Basic xyz"}};
  const caller p = caller_of(plain);
  EXPECT_FALSE(p.bearer);
  EXPECT_FALSE(p.origin);
  EXPECT_FALSE(p.csrf_token);
  EXPECT_EQ(p.cookies, "");
}

TEST_F(Identity, NoCookieIsAnonymous) {
  const auto who = resolve_identity(svc_.identity_view, with_cookies(""));
  EXPECT_FALSE(who.user);
  EXPECT_FALSE(who.session);
}

TEST_F(Identity, OneLiveSessionCookieSignsItsUserIn) {
  save_session("alice-session", alice_);
  const auto who =
      resolve_identity(svc_.identity_view, with_cookies("x=1; mizan_session=alice-session"));
  ASSERT_TRUE(who.user);
  EXPECT_EQ(who.user->id, alice_.id);
  EXPECT_EQ(who.session_id, "alice-session");
}

// Regression (cookie tossing): the first of two session cookies won, so a
// cookie planted with a more specific path signed the browser into the
// planter's session.
TEST_F(Identity, TwoLiveSessionCookiesSignNobodyIn) {
  save_session("alice-session", alice_);
  save_session("bob-session", bob_);
  for (auto cookies : {"mizan_session=bob-session; mizan_session=alice-session",
                       "mizan_session=alice-session; mizan_session=bob-session"}) {
    const auto who = resolve_identity(svc_.identity_view, with_cookies(cookies));
    EXPECT_FALSE(who.user) << cookies;
    EXPECT_TRUE(who.session_id.empty());
  }
}

TEST_F(Identity, ADeadCookieBesideALiveOneIsIgnored) {
  save_session("alice-session", alice_);
  const auto who = resolve_identity(
      svc_.identity_view, with_cookies("mizan_session=gone; mizan_session=alice-session"));
  ASSERT_TRUE(who.user);
  EXPECT_EQ(who.user->id, alice_.id);
  // The same live value twice is one session, not two.
  const auto twice = resolve_identity(
      svc_.identity_view, with_cookies("mizan_session=alice-session; mizan_session=alice-session"));
  EXPECT_TRUE(twice.user);
}

TEST_F(Identity, ABearerTokenWinsAndAnInvalidOneIsRefused) {
  const auto token = auth::jwt_sign_hs256(
      {.sub = std::to_string(bob_.id), .exp = unix_now() + 60, .token_type = "access"},
      svc_.cfg.secret_key);
  caller c;
  c.bearer = token;
  const auto who = resolve_identity(svc_.identity_view, c);
  ASSERT_TRUE(who.user);
  EXPECT_EQ(who.user->id, bob_.id);
  EXPECT_TRUE(who.bearer);
  EXPECT_TRUE(verify_bearer(svc_.jwt, c));
  EXPECT_EQ(c.bearer_user_id, bob_.id);

  const std::string forged_token = token.substr(0, token.size() - 2) + "xx";
  caller forged;
  forged.bearer = forged_token;
  EXPECT_FALSE(verify_bearer(svc_.jwt, forged));
  EXPECT_THROW(resolve_identity(svc_.identity_view, forged), error);
}

TEST_F(Identity, ABearerTokenIsVerifiedOncePerRequest) {
  // Once the transport has verified the token, resolve_identity takes its
  // user id as verified instead of checking the signature again.
  caller c;
  c.bearer = "not-a-token-at-all";
  c.bearer_user_id = alice_.id;
  const auto who = resolve_identity(svc_.identity_view, c);
  ASSERT_TRUE(who.user);
  EXPECT_EQ(who.user->id, alice_.id);
  EXPECT_TRUE(verify_bearer(svc_.jwt, c));  // already verified: not checked again
}

/// The wire code check_csrf refuses with, or "accepted".
std::string csrf_error(const services& svc, const caller& c, const identity& who,
                       std::string_view form_token = {}) {
  try {
    check_csrf(svc.identity_view, c, who, form_token);
  } catch (const error& e) {
    return e.code();
  }
  return "accepted";
}

TEST_F(Identity, CsrfOfASignedInCallerIsItsSessionsToken) {
  save_session("alice-session", alice_, "session-token");
  auto c = with_cookies("mizan_session=alice-session");
  const auto who = resolve_identity(svc_.identity_view, c);
  EXPECT_EQ(csrf_error(svc_, c, who), "csrf_failed");  // none sent
  c.csrf_token = "other";
  EXPECT_EQ(csrf_error(svc_, c, who), "csrf_failed");
  c.csrf_token = "session-token";
  EXPECT_EQ(csrf_error(svc_, c, who), "accepted");
  c.origin = "http://evil.example";
  EXPECT_EQ(csrf_error(svc_, c, who), "csrf_failed");
  c.origin = "http://app.example";
  EXPECT_EQ(csrf_error(svc_, c, who), "accepted");
  // A form's token counts only when no header was sent.
  c.csrf_token.reset();
  EXPECT_EQ(csrf_error(svc_, c, who, "session-token"), "accepted");
}

TEST_F(Identity, AnonymousCsrfIsTheOneGenuineCookie) {
  const auto mine = make_csrf_token(svc_.cfg.secret_key);
  const auto planted = make_csrf_token(svc_.cfg.secret_key);
  const std::string jar_one = "mizan_csrf=" + mine;
  auto c = with_cookies(jar_one);
  c.csrf_token = mine;
  EXPECT_EQ(csrf_error(svc_, c, identity{}), "accepted");
  bool fresh = true;
  EXPECT_EQ(anonymous_csrf_token(svc_.identity_view, c, fresh), mine);
  EXPECT_FALSE(fresh);

  // Regression (cookie tossing): a second, planted CSRF cookie.
  const std::string both = "mizan_csrf=" + planted + "; mizan_csrf=" + mine;
  c.cookies = both;
  EXPECT_EQ(csrf_error(svc_, c, identity{}), "csrf_failed");
  EXPECT_NE(anonymous_csrf_token(svc_.identity_view, c, fresh), mine);
  EXPECT_TRUE(fresh);

  // A made-up cookie with a matching header is no token.
  const std::string made_up(64, 'a');
  const std::string jar = "mizan_csrf=" + made_up;
  c.cookies = jar;
  c.csrf_token = made_up;
  EXPECT_EQ(csrf_error(svc_, c, identity{}), "csrf_failed");
}

}  // namespace
