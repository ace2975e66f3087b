// The session, call and view endpoints as functions: a request value in, a
// response value and the mutation's effects out, with no socket or thread.
#include "server/endpoints/endpoints.hpp"

#include "auth/jwt.hpp"
#include "mizan/users.hpp"
#include "server/identity/csrf.hpp"
#include "server/identity/identity.hpp"

#include "server/app/test_services.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <atomic>
#include <string>

namespace {

using namespace mizan;
using namespace mizan::server;

inline constexpr context items{"items"};
inline constexpr context board{"board"};
inline constexpr context mine{"mine"};

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
  // A public context cached for a minute, whose result counts its runs.
  app.add("board",
          [](call&, const IdArgs& a) {
            static std::atomic<int> runs{0};
            return std::vector<Item>{{a.id, std::to_string(++runs)}};
          })
      .context(board)
      .cache(std::chrono::seconds(60));
  app.add("my_items",
          [](call& c) {
            return std::vector<Item>{{c.user()->id, "mine"}};
          })
      .context(mine)
      .auth(auth_level::user)
      .private_();
  // Changes another user's data and tells a channel, over HTTP or a socket.
  app.add("share_item",
          [](call& c, const IdArgs& a) {
            c.affects_user(a.id);
            c.publish_json("news", R"({"shared":true})");
            return true;
          })
      .affects(mine)
      .websocket();
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

// The HTTP transport's part, done by hand: the caller of the request and its
// parsed input, handed to the endpoint functions.
http::response session_of(services& svc, const http::request& req) {
  return session_endpoint(svc, caller_of(req));
}
http::response call_fn(services& svc, const http::request& req, const function_def* f,
                       mutation_effects& effects) {
  return call_endpoint(svc, caller_of(req), f, req.body, effects);
}
http::response view(services& svc, const http::request& req, const route_match& m,
                    mutation_effects& effects) {
  return view_endpoint(svc, caller_of(req), m, req.query(), req.body, effects);
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
struct ContextCall {
  std::optional<http::response> now;
  std::vector<http::response> later;
  bool from_fast_path = false;
};

ContextCall get_context(services& svc, const caller& from, const context_def& ctx,
                        std::string_view query, std::string_view etags = {}) {
  ContextCall out;
  auto lookup = lookup_context(svc, ctx, query);
  if ((out.now = context_fast_path(svc, ctx, lookup, etags))) {
    out.from_fast_path = true;
    return out;
  }
  out.now = context_endpoint(svc, from, ctx, lookup, etags, [&out]() -> reply {
    return [&out](http::response r) { out.later.push_back(std::move(r)); };
  });
  return out;
}

TEST_F(Endpoints, APublicContextIsComputedOnceThenServedFromTheCache) {
  const auto& ctx = *svc_.cat.context("board");
  const caller anonymous;
  auto first = get_context(svc_, anonymous, ctx, "id=3");
  // A miss is answered through the reply, as its waiters are.
  ASSERT_FALSE(first.now);
  ASSERT_EQ(first.later.size(), 1u);
  const auto& miss = first.later[0];
  EXPECT_EQ(miss.status, 200);
  EXPECT_EQ(header_of(miss, "X-Mizan-Cache"), "miss");
  EXPECT_EQ(header_of(miss, "Cache-Control"), "public, max-age=60");
  const std::string body(miss.body_view());
  EXPECT_NE(body.find(R"("board":[{"id":3,)"), std::string::npos) << body;

  auto second = get_context(svc_, anonymous, ctx, "id=3");
  ASSERT_TRUE(second.now);
  EXPECT_TRUE(second.from_fast_path);
  EXPECT_EQ(header_of(*second.now, "X-Mizan-Cache"), "hit");
  EXPECT_EQ(std::string(second.now->body_view()), body);  // not run again

  // If-None-Match with the ETag: 304, no body.
  auto revalidated = get_context(svc_, anonymous, ctx, "id=3", header_of(miss, "ETag"));
  ASSERT_TRUE(revalidated.now);
  EXPECT_EQ(revalidated.now->status, 304);
  EXPECT_TRUE(revalidated.now->body_view().empty());

  // Other params are another entry; a purge of the context retires both.
  EXPECT_EQ(header_of(get_context(svc_, anonymous, ctx, "id=4").later.at(0), "X-Mizan-Cache"),
            "miss");
  svc_.invalidate(std::vector{params::make_entry("board")}, std::nullopt);
  EXPECT_EQ(get_context(svc_, anonymous, ctx, "id=3").later.size(), 1u);
}

TEST_F(Endpoints, ConcurrentMissesWaitForOneComputation) {
  const auto& ctx = *svc_.cat.context("board");
  auto lookup = lookup_context(svc_, ctx, "id=9");
  ASSERT_FALSE(lookup.key.empty());  // a public context's key is computed up front
  // Another request is computing this entry: this one waits and is answered
  // when that computation ends, with what it computed.
  std::vector<std::string> leader_answers;
  const std::string flight = flight_key(lookup.key, svc_.cache->ticket("board"));
  ASSERT_TRUE(svc_.flights.join(
      flight, [&](const prepared_context* p) { leader_answers.push_back(*p->body); }));
  std::vector<http::response> later;
  const auto now = context_endpoint(svc_, caller{}, ctx, lookup, "", [&later]() -> reply {
    return [&later](http::response r) { later.push_back(std::move(r)); };
  });
  EXPECT_FALSE(now);
  EXPECT_TRUE(later.empty());
  prepared_context computed{200, std::make_shared<const std::string>(R"({"board":[]})"), "\"x\"",
                            false};
  svc_.flights.complete(flight, &computed);
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(std::string(later[0].body_view()), R"({"board":[]})");
  EXPECT_EQ(leader_answers.size(), 1u);
}

TEST_F(Endpoints, AMissAfterAPurgeDoesNotJoinAComputationFromBeforeIt) {
  const auto& ctx = *svc_.cat.context("board");
  auto lookup = lookup_context(svc_, ctx, "id=9");
  // A computation began before a commit that changed the board...
  const std::string before = flight_key(lookup.key, svc_.cache->ticket("board"));
  ASSERT_TRUE(svc_.flights.join(before, [](const prepared_context*) {}));
  svc_.invalidate(std::vector{params::make_entry("board")}, std::nullopt);
  // ...so a request after the commit computes afresh instead of waiting for it.
  std::vector<http::response> later;
  const auto now = context_endpoint(svc_, caller{}, ctx, lookup, "", [&later]() -> reply {
    return [&later](http::response r) { later.push_back(std::move(r)); };
  });
  EXPECT_EQ(later.size(), 1u);
  prepared_context stale{200, std::make_shared<const std::string>(R"({"board":["old"]})"), "\"o\"",
                         false};
  svc_.flights.complete(before, &stale);
  EXPECT_EQ(later.size(), 1u);
  ASSERT_FALSE(later.empty());
  EXPECT_NE(std::string(later[0].body_view()), R"({"board":["old"]})");
  EXPECT_FALSE(now);
}

TEST_F(Endpoints, APrivateContextNeedsTheUserAndIsNeverShared) {
  const auto& ctx = *svc_.cat.context("mine");
  auto anonymous = get_context(svc_, caller{}, ctx, "");
  ASSERT_TRUE(anonymous.now);
  EXPECT_EQ(anonymous.now->status, 401);
  EXPECT_EQ(header_of(*anonymous.now, "Vary"), "Cookie, Authorization");

  const auto token = auth::jwt_sign_hs256(
      {.sub = "1", .exp = unix_now() + 60, .token_type = "access"}, svc_.cfg.secret_key);
  caller alice;
  alice.bearer = token;
  auto signed_in = get_context(svc_, alice, ctx, "");
  ASSERT_TRUE(signed_in.now);
  EXPECT_EQ(signed_in.now->status, 200);
  EXPECT_EQ(header_of(*signed_in.now, "X-Mizan-Cache"), "bypass");
  EXPECT_EQ(header_of(*signed_in.now, "Cache-Control"), "private, no-store");
  EXPECT_EQ(std::string(signed_in.now->body_view()), R"({"my_items":[{"id":1,"name":"mine"}]})");
}

TEST_F(Endpoints, ContextParamsAreCheckedBeforeAnyWork) {
  const auto& ctx = *svc_.cat.context("board");
  EXPECT_EQ(error_of([&] { lookup_context(svc_, ctx, "id=x"); }), "bad_request");
  EXPECT_EQ(error_of([&] { lookup_context(svc_, ctx, "nope=1"); }), "bad_request");
}

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
