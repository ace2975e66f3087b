// The session, call and view endpoints as functions: a request value in, a
// response value and the mutation's effects out, with no socket or thread.
#include "server/endpoints/endpoints_test_support.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

namespace {

using namespace mizan;
using namespace mizan::server;
using namespace mizan::server::endpoints_test;

TEST_F(Endpoints, SessionGivesAnAnonymousBrowserAGenuineCsrfCookie) {
  const auto res = session_of(svc_, request("GET", "/api/mizan/session/"));
  EXPECT_EQ(res.status, 200);
  const auto body = boost::json::parse(res.body).as_object();
  EXPECT_TRUE(body.at("user").is_null());
  const std::string token(body.at("csrf_token").as_string());
  EXPECT_TRUE(csrf_token_is_genuine(svc_.cfg.secret_key, token));
  EXPECT_EQ(header_of(res, "Set-Cookie").rfind("mizan_csrf=" + token + ";", 0), 0u);
  EXPECT_EQ(header_of(res, "Cache-Control"), "no-store");
  // A browser that has a genuine token keeps it.
  const auto again =
      session_of(svc_, request("GET", "/api/mizan/session/", {{"Cookie", "mizan_csrf=" + token}}));
  EXPECT_EQ(std::string(boost::json::parse(again.body).at("csrf_token").as_string()), token);
  EXPECT_EQ(error_of([&] { session_of(svc_, request("POST", "/api/mizan/session/")); }),
            "method_not_allowed");
}

TEST_F(Endpoints, CallRunsTheFunctionAndHandsBackWhatItMadeStale) {
  mutation_effects effects;
  const auto res = call_fn(
      svc_, request("POST", "/api/mizan/call/add_item/", anonymous_browser(), R"({"name":"pen"})"),
      svc_.cat.function("add_item"), effects);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, R"({"result":{"id":7,"name":"pen"},"invalidate":["items"]})");
  EXPECT_EQ(header_of(res, "Cache-Control"), "no-store");
  ASSERT_EQ(effects.invalidate.size(), 1u);
  EXPECT_EQ(effects.invalidate[0].context, "items");
  EXPECT_FALSE(effects.user_id);
}

TEST_F(Endpoints, CallRefusalsComeBeforeTheFunctionRuns) {
  mutation_effects effects;
  const auto* add = svc_.cat.function("add_item");
  auto call_with = [&](http::request req, const function_def* f) {
    return error_of([&] { call_fn(svc_, req, f, effects); });
  };
  EXPECT_EQ(call_with(request("POST", "/x", anonymous_browser(), "{}"), nullptr), "not_found");
  EXPECT_EQ(call_with(request("GET", "/x", anonymous_browser()), add), "method_not_allowed");
  EXPECT_EQ(call_with(request("POST", "/x", {}, R"({"name":"a"})"), add), "csrf_failed");
  EXPECT_EQ(call_with(request("POST", "/x", anonymous_browser(), "{"), add), "bad_request");
  EXPECT_EQ(call_with(request("POST", "/x", anonymous_browser(), "[]"), add), "bad_request");
  EXPECT_EQ(call_with(request("POST", "/x", anonymous_browser("text/plain"), "{}"), add),
            "unsupported_media_type");
  EXPECT_EQ(call_with(request("POST", "/x", anonymous_browser(), "{}"), add), "validation");
  EXPECT_TRUE(effects.invalidate.empty());
}

TEST_F(Endpoints, SigningInRotatesTheSessionAndHandsOutANewToken) {
  mutation_effects effects;
  const auto res = call_fn(
      svc_,
      request("POST", "/api/mizan/call/sign_in_as/", anonymous_browser(), R"({"name":"alice"})"),
      svc_.cat.function("sign_in_as"), effects);
  ASSERT_EQ(res.status, 200);
  std::string session_cookie, csrf_cookie;
  for (const auto& h : res.headers) {
    if (h.name != "Set-Cookie") continue;
    if (h.value.starts_with("mizan_session=")) session_cookie = h.value;
    if (h.value.starts_with("mizan_csrf=")) csrf_cookie = h.value;
  }
  ASSERT_FALSE(session_cookie.empty());
  ASSERT_FALSE(csrf_cookie.empty());
  const std::string token = header_of(res, "X-CSRF-Token");
  EXPECT_NE(csrf_cookie.find(token), std::string::npos);
  // The new cookie signs the browser in, with the new token.
  const auto id = session_cookie.substr(14, session_cookie.find(';') - 14);
  const auto session =
      session_of(svc_, request("GET", "/api/mizan/session/", {{"Cookie", "mizan_session=" + id}}));
  const auto body = boost::json::parse(session.body).as_object();
  EXPECT_EQ(std::string(body.at("user").at("username").as_string()), "alice");
  EXPECT_EQ(std::string(body.at("csrf_token").as_string()), token);
}

TEST_F(Endpoints, ViewRouteTakesTypedPathParamsAndSendsInvalidationInAHeader) {
  mutation_effects effects;
  const auto get = request("GET", "/items/5");
  const auto match = svc_.cat.match(get.path(), get.method);
  ASSERT_TRUE(match);
  const auto res = view(svc_, get, *match, effects);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, R"({"result":{"id":5,"name":"x"},"invalidate":["items"]})");
  EXPECT_EQ(header_of(res, "X-Mizan-Invalidate"), "items");

  // Unsafe methods need the CSRF token; a plain form may send it as a field.
  const auto token = make_csrf_token(svc_.cfg.secret_key);
  auto post = request("POST", "/items/5", {{"Cookie", "mizan_csrf=" + token}});
  EXPECT_EQ(error_of([&] { view(svc_, post, *match, effects); }), "csrf_failed");
  post.headers.push_back({"Content-Type", "application/x-www-form-urlencoded"});
  post.body = "csrf_token=" + token;
  EXPECT_EQ(view(svc_, post, *match, effects).status, 200);
}

/// A context request as app_handler makes it: the query parsed once, the
/// fast path tried, then the endpoint; answers that come later land in `later`.
TEST_F(Endpoints, AMutationNamesTheOtherUsersItChangedAndWhatItPublished) {
  mutation_effects effects;
  const auto res = call_fn(
      svc_, request("POST", "/api/mizan/call/share_item/", anonymous_browser(), R"({"id":42})"),
      svc_.cat.function("share_item"), effects);
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(effects.other_users, std::vector<std::int64_t>{42});
  ASSERT_EQ(effects.published.size(), 1u);
  EXPECT_EQ(effects.published[0].first, "news");
  EXPECT_EQ(effects.published[0].second, R"({"shared":true})");
}

TEST_F(Endpoints, ASocketCallTakesTheSameCoreWithoutCsrf) {
  // No CSRF token and no cookie: the socket's handshake was checked instead.
  mutation_effects effects;
  const auto res = socket_call_endpoint(svc_, caller{}, svc_.cat.function("share_item"),
                                        boost::json::parse(R"({"id":7})").as_object(), effects);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(std::string(res.body_view()), R"({"result":true,"invalidate":["mine"]})");
  EXPECT_EQ(effects.other_users, std::vector<std::int64_t>{7});
}

TEST_F(Endpoints, ASocketRefusesFunctionsNotForSocketsAndSessionChanges) {
  mutation_effects effects;
  const boost::json::object args{{"name", "alice"}};
  auto socket_call = [&](const char* fn) {
    return error_of(
        [&] { socket_call_endpoint(svc_, caller{}, svc_.cat.function(fn), args, effects); });
  };
  EXPECT_EQ(socket_call("add_item"), "forbidden");    // not .websocket()
  EXPECT_EQ(socket_call("sign_in_as"), "forbidden");  // signs in: never over a socket
  EXPECT_EQ(socket_call("nope"), "not_found");
}

}  // namespace
