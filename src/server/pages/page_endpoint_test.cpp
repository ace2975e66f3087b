// Pages as functions: a request in, the HTML document out, with no socket
// or thread. Rendered pages (a real Node.js renderer) are in
// page_render_test.cpp; these run without one, as a server whose renderers
// are all down does.
#include "server/pages/page_endpoint.hpp"

#include "auth/jwt.hpp"
#include "mizan/users.hpp"
#include "params/invalidation.hpp"
#include "server/app/test_services.hpp"
#include "server/identity/identity.hpp"
#include "server/pages/page_inputs.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <string>

namespace {

using namespace mizan;
using namespace mizan::server;

inline constexpr context board{"board"};
inline constexpr context mine{"mine"};
inline constexpr context live{"live"};

struct Row {
  std::string name;
  std::int64_t n;
};
BOOST_DESCRIBE_STRUCT(Row, (), (name, n))

struct LimitArgs {
  std::int64_t limit;
};
BOOST_DESCRIBE_STRUCT(LimitArgs, (), (limit))

std::atomic<int> board_runs{0};

registry make_registry() {
  registry app;
  app.add("board",
          [](call&, const LimitArgs& a) {
            ++board_runs;
            return std::vector<Row>{{"</script><script>alert(1)</script>", a.limit}};
          })
      .context(board)
      .cache(std::chrono::seconds(60));
  app.add("mine",
          [](call& c) {
            return std::vector<Row>{{"mine", c.user()->id}};
          })
      .context(mine)
      .auth(auth_level::user)
      .private_();
  app.add("live", [](call&) { return 1; }).context(live);
  app.page("home", "/").context(mine).context(board, {{"limit", 3}});
  app.page("board_page", "/board/").context(board, {{"limit", 3}});
  app.page("top", "/top/{limit:int}/").context(board);
  app.page("live_page", "/live/").context(live);
  app.page("staff_page", "/staff/").context(board, {{"limit", 1}}).auth(auth_level::staff);
  return app;
}

std::string header_of(const http::response& r, std::string_view name) {
  for (const auto& h : r.headers) {
    if (http::iequals(h.name, name)) return h.value;
  }
  return "<missing>";
}

std::string error_of(const std::function<void()>& run) {
  try {
    run();
  } catch (const error& e) {
    return e.code();
  }
  return "none";
}

class Pages : public ::testing::Test {
 protected:
  void SetUp() override {
    users::use_fast_hashing_for_tests();
    db::migrate(svc_.database, framework_migrations());
    users::create(svc_.database.connection(), {"alice", "", "password one"});
  }

  http::response get(std::string_view path, std::string_view query = "",
                     const caller& from = caller{}, std::string_view etags = "") {
    auto match = svc_.pages.match(path);
    EXPECT_TRUE(match) << path;
    if (auto hit = page_fast_path(svc_, *match, path, query, etags)) return std::move(*hit);
    return page_endpoint(svc_, from, *match, path, query, etags);
  }

  caller alice() {
    token_ = auth::jwt_sign_hs256({.sub = "1", .exp = unix_now() + 60, .token_type = "access"},
                                  svc_.cfg.secret_key);
    caller c;
    c.bearer = token_;
    return c;
  }

  registry reg_ = make_registry();
  services svc_{test::in_memory_settings(), reg_};
  std::string token_;
};

TEST_F(Pages, WithoutARendererThePageCarriesItsDataAndNoMarkup) {
  const auto res = get("/board/");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(header_of(res, "Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(header_of(res, "X-Mizan-Render"), "client");
  const std::string html(res.body_view());
  EXPECT_NE(html.find("window.__MIZAN_SSR_DATA__={\"board?limit=3\":{\"board\":[{\"name\":"),
            std::string::npos)
      << html;
  EXPECT_EQ(html.find("<!--app-"), std::string::npos) << html;
  // The hostile name in the data cannot close the script.
  EXPECT_EQ(html.find("</script><script>alert"), std::string::npos);
  EXPECT_NE(html.find("\\u003c/script\\u003e"), std::string::npos);
}

TEST_F(Pages, APrivateContextIsInlinedOnlyForItsUser) {
  const auto anonymous = get("/");
  EXPECT_EQ(header_of(anonymous, "Cache-Control"), "private, no-store");
  EXPECT_EQ(header_of(anonymous, "Vary"), "Cookie, Authorization");
  const std::string a(anonymous.body_view());
  EXPECT_EQ(a.find("\"mine\""), std::string::npos) << a;  // 401: left out
  EXPECT_NE(a.find("\"board?limit=3\""), std::string::npos);

  const auto signed_in = get("/", "", alice());
  const std::string s(signed_in.body_view());
  EXPECT_NE(s.find(R"("mine":{"mine":[{"name":"mine","n":1}]})"), std::string::npos) << s;
  EXPECT_EQ(header_of(signed_in, "X-Mizan-Cache"), "bypass");
}

TEST_F(Pages, ParamsComeFromTheRouteThenTheQueryThenTheDefaults) {
  auto in = resolve_page_inputs(svc_, *svc_.pages.match("/top/7/"), "");
  EXPECT_EQ(in.ssr_keys, std::vector<std::string>{"board?limit=7"});
  in = resolve_page_inputs(svc_, *svc_.pages.match("/board/"), "limit=25&utm_source=x");
  EXPECT_EQ(in.ssr_keys, std::vector<std::string>{"board?limit=25"});
  EXPECT_EQ(in.canonical, "limit=25");
  in = resolve_page_inputs(svc_, *svc_.pages.match("/board"), "utm_source=x");
  EXPECT_EQ(in.ssr_keys, std::vector<std::string>{"board?limit=3"});
  // A declared key with a bad value, or twice, is refused; a typed route
  // segment that does not coerce does not match.
  EXPECT_EQ(error_of([&] { resolve_page_inputs(svc_, *svc_.pages.match("/board/"), "limit=x"); }),
            "bad_request");
  EXPECT_EQ(
      error_of([&] { resolve_page_inputs(svc_, *svc_.pages.match("/board/"), "limit=1&limit=2"); }),
      "bad_request");
  EXPECT_FALSE(svc_.pages.match("/top/seven/"));
  EXPECT_FALSE(svc_.pages.match("/nowhere/"));
}

TEST_F(Pages, APageAnswersIfNoneMatchWith304) {
  const auto first = get("/live/");
  const auto again = get("/live/", "", caller{}, header_of(first, "ETag"));
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body_view().empty());
  EXPECT_EQ(header_of(first, "Cache-Control"), "no-cache");
}

TEST_F(Pages, AGuardedPageRefusesWhoMayNotSeeIt) {
  EXPECT_EQ(error_of([&] { get("/staff/"); }), "unauthenticated");
  EXPECT_EQ(error_of([&] { get("/staff/", "", alice()); }), "forbidden");
}

TEST_F(Pages, WithoutMarkupAPublicPageIsNotCachedAndItsDataIsCurrent) {
  const int before = board_runs;
  get("/board/");
  get("/board/");
  // The context is cached (one run); the document, without markup, is not.
  EXPECT_EQ(board_runs - before, 1);
  EXPECT_EQ(header_of(get("/board/"), "X-Mizan-Cache"), "miss");  // never a hit
  svc_.invalidate(std::vector{params::make_entry("board")}, std::nullopt);
  get("/board/");
  EXPECT_EQ(board_runs - before, 2);
}

TEST(PageCatalog, RefusesPagesThatCannotBeServed) {
  const auto refused = [](auto add) {
    registry app;
    app.add("board", [](call&, const LimitArgs&) { return 1; }).context(board);
    add(app);
    try {
      services svc(test::in_memory_settings(), app);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(refused([](registry& a) { a.page("p", "/p/").context(mine); }).find("page 'p'"),
            std::string::npos);
  EXPECT_NE(refused([](registry& a) {
              a.page("p", "/p/{id:int}/").context(board);
            }).find("route param 'id'"),
            std::string::npos);
  EXPECT_NE(refused([](registry& a) {
              a.page("p", "/p/{limit:str}/").context(board);
            }).find("declared str"),
            std::string::npos);
  EXPECT_NE(refused([](registry& a) {
              a.page("p", "/p/").context(board, {{"limit", "x"}});
            }).find("defaults"),
            std::string::npos);
  EXPECT_NE(refused([](registry& a) {
              a.page("p", "/p/").context(board, {{"nope", 1}});
            }).find("defaults"),
            std::string::npos);
  EXPECT_NE(refused([](registry& a) {
              a.page("p", "/p/").context(board);
              a.page("q", "/p/").context(board);
            }).find("also page 'p'"),
            std::string::npos);
  EXPECT_NE(
      refused([](registry& a) { a.page("p", "/api/mizan/p/").context(board); }).find("API prefix"),
      std::string::npos);
  EXPECT_NE(refused([](registry& a) { a.page("p", "/p/"); }).find("names no context"),
            std::string::npos);
  EXPECT_EQ(refused([](registry& a) { a.page("p", "/p/{limit:int}").context(board); }), "accepted");
}

}  // namespace
