// The fixture of the endpoint tests (endpoints_test.cpp, context_endpoint_test.cpp):
// a registry with public, cached, private and routed functions, requests built by
// hand, and the HTTP transport's part done by hand.
#pragma once

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

namespace mizan::server::endpoints_test {

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

inline registry make_registry() {
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

inline http::request request(std::string method, std::string target,
                             std::vector<http::header> headers = {}, std::string body = {}) {
  http::request r;
  r.method = std::move(method);
  r.target = std::move(target);
  r.headers = std::move(headers);
  r.body = std::move(body);
  r.remote_address = "127.0.0.1";
  return r;
}

inline std::string header_of(const http::response& r, std::string_view name) {
  for (const auto& h : r.headers) {
    if (http::iequals(h.name, name)) return h.value;
  }
  return "<missing>";
}

// The HTTP transport's part, done by hand: the caller of the request and its
// parsed input, handed to the endpoint functions.
inline http::response session_of(services& svc, const http::request& req) {
  return session_endpoint(svc, caller_of(req));
}
inline http::response call_fn(services& svc, const http::request& req, const function_def* f,
                              mutation_effects& effects) {
  return call_endpoint(svc, caller_of(req), f, req.body, effects);
}
inline http::response view(services& svc, const http::request& req, const route_match& m,
                           mutation_effects& effects) {
  return view_endpoint(svc, caller_of(req), m, req.query(), req.body, effects);
}

/// The wire code of the error `run` throws, or "none".
template <class F>
inline std::string error_of(F run) {
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

}  // namespace mizan::server::endpoints_test
