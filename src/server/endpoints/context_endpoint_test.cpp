// The context endpoint as a function: the origin cache, one computation for
// concurrent misses, private contexts and param checks.
#include "server/endpoints/endpoints_test_support.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <thread>

namespace {

using namespace mizan;
using namespace mizan::server;
using namespace mizan::server::endpoints_test;

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

}  // namespace
