// The session, call and view endpoints as functions: a request value in, a
// response value and the mutation's effects out, with no socket or thread.
#include "server/endpoints.hpp"

#include "mizan/users.hpp"
#include "server/csrf.hpp"

#include "server/test_services.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <string>

namespace {

using namespace mizan;
using namespace mizan::server;

inline constexpr context items{"items"};

struct Item {
  std::int64_t id;
  std::string name;
};
BOOST_DESCRIBE_STRUCT(Item, (), (id, name))

struct NameArgs {
  std::string name;
};
BOOST_DESCRIBE_STRUCT(NameArgs, (), (name))

struct IdArgs {
  std::int64_t id;
};
BOOST_DESCRIBE_STRUCT(IdArgs, (), (id))

registry make_registry() {
  registry app;
  app.add("list_items", [](call&) { return std::vector<Item>{{1, "a"}}; }).context(items);
  app.add("add_item",
          [](call&, const NameArgs& a) {
            return Item{7, a.name};
          })
      .affects(items)
      .validate("name", {.required = true});
  app.add("get_item",
          [](call&, const IdArgs& a) {
            return Item{a.id, "x"};
          })
      .route("/items/{id:int}")
      .methods({"GET", "POST"})
      .affects(items);
  app.add("sign_in_as",
          [](call& c, const NameArgs& a) {
            const auto u = users::authenticate(c.db(), a.name, "password one");
            if (!u) raise_not_found();
            c.sign_in(*u);
            return true;
          })
      .affects_private_contexts();
  return app;
}

http::request request(std::string method, std::string target,
                      std::vector<http::header> headers = {}, std::string body = {}) {
  http::request r;
  r.method = std::move(method);
  r.target = std::move(target);
  r.headers = std::move(headers);
  r.body = std::move(body);
  r.remote_address = "127.0.0.1";
  return r;
}

std::string header_of(const http::response& r, std::string_view name) {
  for (const auto& h : r.headers) {
    if (http::iequals(h.name, name)) return h.value;
  }
  return "<missing>";
}

/// The wire code of the error `run` throws, or "none".
template <class F>
std::string error_of(F run) {
  try {
    run();
  } catch (const error& e) {
    return e.code();
  }
  return "none";
}

class Endpoints : public ::testing::Test {
 protected:
  void SetUp() override {
    users::use_fast_hashing_for_tests();
    db::migrate(svc_.database, framework_migrations());
    users::create(svc_.database.connection(), {"alice", "", "password one"});
  }

  /// The headers of an anonymous browser that fetched session/ first.
  std::vector<http::header> anonymous_browser(std::string content_type = "application/json") {
    const auto token = make_csrf_token(svc_.cfg.secret_key);
    return {{"Cookie", "mizan_csrf=" + token},
            {"X-CSRF-Token", token},
            {"Content-Type", std::move(content_type)}};
  }

  registry reg_ = make_registry();
  services svc_{test::in_memory_settings(), reg_};
};

TEST_F(Endpoints, SessionGivesAnAnonymousBrowserAGenuineCsrfCookie) {
  const auto res = session_endpoint(svc_, request("GET", "/api/mizan/session/"));
  EXPECT_EQ(res.status, 200);
  const auto body = boost::json::parse(res.body).as_object();
  EXPECT_TRUE(body.at("user").is_null());
  const std::string token(body.at("csrf_token").as_string());
  EXPECT_TRUE(csrf_token_is_genuine(svc_.cfg.secret_key, token));
  EXPECT_EQ(header_of(res, "Set-Cookie").rfind("mizan_csrf=" + token + ";", 0), 0u);
  EXPECT_EQ(header_of(res, "Cache-Control"), "no-store");
  // A browser that has a genuine token keeps it.
  const auto again = session_endpoint(
      svc_, request("GET", "/api/mizan/session/", {{"Cookie", "mizan_csrf=" + token}}));
  EXPECT_EQ(std::string(boost::json::parse(again.body).at("csrf_token").as_string()), token);
  EXPECT_EQ(error_of([&] { session_endpoint(svc_, request("POST", "/api/mizan/session/")); }),
            "method_not_allowed");
}

TEST_F(Endpoints, CallRunsTheFunctionAndHandsBackWhatItMadeStale) {
  mutation_effects effects;
  const auto res = call_endpoint(
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
    return error_of([&] { call_endpoint(svc_, req, f, effects); });
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
  const auto res = call_endpoint(
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
  const auto session = session_endpoint(
      svc_, request("GET", "/api/mizan/session/", {{"Cookie", "mizan_session=" + id}}));
  const auto body = boost::json::parse(session.body).as_object();
  EXPECT_EQ(std::string(body.at("user").at("username").as_string()), "alice");
  EXPECT_EQ(std::string(body.at("csrf_token").as_string()), token);
}

TEST_F(Endpoints, ViewRouteTakesTypedPathParamsAndSendsInvalidationInAHeader) {
  mutation_effects effects;
  const auto get = request("GET", "/items/5");
  const auto match = svc_.cat.match(get.path(), get.method);
  ASSERT_TRUE(match);
  const auto res = view_endpoint(svc_, get, *match, effects);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, R"({"result":{"id":5,"name":"x"},"invalidate":["items"]})");
  EXPECT_EQ(header_of(res, "X-Mizan-Invalidate"), "items");

  // Unsafe methods need the CSRF token; a plain form may send it as a field.
  const auto token = make_csrf_token(svc_.cfg.secret_key);
  auto post = request("POST", "/items/5", {{"Cookie", "mizan_csrf=" + token}});
  EXPECT_EQ(error_of([&] { view_endpoint(svc_, post, *match, effects); }), "csrf_failed");
  post.headers.push_back({"Content-Type", "application/x-www-form-urlencoded"});
  post.body = "csrf_token=" + token;
  EXPECT_EQ(view_endpoint(svc_, post, *match, effects).status, 200);
}

}  // namespace
