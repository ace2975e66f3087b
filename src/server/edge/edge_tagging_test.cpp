// Which responses carry cache tags, and which tags a mutation purges.
#include "server/edge/edge_tagging.hpp"

#include "auth/mwt.hpp"
#include "server/app/test_services.hpp"
#include "server/identity/identity.hpp"

#include <gtest/gtest.h>

#include <map>

namespace {

using namespace mizan;
using namespace mizan::server;

inline constexpr context shared_board{"board"};
inline constexpr context own_notes{"notes"};
inline constexpr context staff_only{"staff"};
inline constexpr context uncached{"live"};

struct IdArgs {
  std::int64_t id;
};
BOOST_DESCRIBE_STRUCT(IdArgs, (), (id))

registry make_registry() {
  registry app;
  app.add("board", [](call&, const IdArgs& a) { return a.id; })
      .context(shared_board)
      .cache(std::chrono::seconds(5));
  app.add("notes", [](call&, const IdArgs& a) { return a.id; })
      .context(own_notes)
      .auth(auth_level::user)
      .private_()
      .cache(std::chrono::seconds(60));
  app.add("staff", [](call&) { return 1; })
      .context(staff_only)
      .auth(auth_level::staff)
      .cache(std::chrono::seconds(5));
  app.add("live", [](call&) { return 1; }).context(uncached);
  app.add("edit", [](call&, const IdArgs&) { return true; })
      .affects(shared_board)
      .affects(own_notes)
      .affects(uncached);
  return app;
}

settings with_varnish() {
  auto cfg = test::in_memory_settings();
  cfg.edge_purge = edge::parse_purge_targets("varnish=http://127.0.0.1:6081/");
  return cfg;
}

std::string mwt_cookie(const settings& cfg, std::string_view sub, std::int64_t exp) {
  return "a=b; mizan_mwt=" + auth::mwt_issue(cfg.mwt_secret, sub, exp);
}

TEST(EdgeTagging, OnlyContextsAnEdgeCanGuardAreCacheable) {
  const registry app = make_registry();  // the catalog points into it
  const catalog cat(app, "/api/mizan");
  EXPECT_TRUE(edge_cacheable(cat.contexts().at("board")));
  EXPECT_TRUE(edge_cacheable(cat.contexts().at("notes")));
  EXPECT_FALSE(edge_cacheable(cat.contexts().at("staff")));
  EXPECT_FALSE(edge_cacheable(cat.contexts().at("live")));
}

TEST(EdgeTagging, NoEdgeConfiguredMeansNoTags) {
  const registry app = make_registry();  // the catalog points into it
  const catalog cat(app, "/api/mizan");
  const boost::json::object params{{"id", 5}};
  EXPECT_EQ(
      edge_tags(test::in_memory_settings(), cat.contexts().at("board"), params, std::nullopt, ""),
      "");
  EXPECT_EQ(edge_tags(with_varnish(), cat.contexts().at("board"), params, std::nullopt, ""),
            "mz:board mz:board:id=5");
}

TEST(EdgeTagging, PrivateResponsesAreTaggedOnlyForTheUserTheMwtNames) {
  const registry app = make_registry();  // the catalog points into it
  const catalog cat(app, "/api/mizan");
  const auto cfg = with_varnish();
  const auto& notes = cat.contexts().at("notes");
  const boost::json::object params{{"id", 5}};
  const auto later = unix_now() + 600;
  EXPECT_EQ(edge_tags(cfg, notes, params, 3, mwt_cookie(cfg, "3", later)),
            "mz:notes mz:notes@3 mz:@3 mz:notes@3:id=5");
  // Another user's token, an expired one, one under another secret, none.
  EXPECT_EQ(edge_tags(cfg, notes, params, 3, mwt_cookie(cfg, "4", later)), "");
  EXPECT_EQ(edge_tags(cfg, notes, params, 3, mwt_cookie(cfg, "3", unix_now() - 1)), "");
  EXPECT_EQ(edge_tags(cfg, notes, params, 3,
                      "mizan_mwt=" + auth::mwt_issue(std::string(40, 'x'), "3", later)),
            "");
  EXPECT_EQ(edge_tags(cfg, notes, params, 3, "a=b"), "");
  EXPECT_EQ(edge_tags(cfg, notes, params, std::nullopt, mwt_cookie(cfg, "3", later)), "");
  // Two MWT cookies are ambiguous (one may be planted).
  EXPECT_EQ(edge_tags(cfg, notes, params, 3,
                      mwt_cookie(cfg, "3", later) + "; " + mwt_cookie(cfg, "3", later + 1)),
            "");
}

TEST(EdgeTagging, HeadersFollowTheConfiguredKindsOfEdge) {
  auto cfg = with_varnish();
  cfg.edge_purge = edge::parse_purge_targets(
      "varnish=http://127.0.0.1:6081/,cloudflare=http://127.0.0.1:8787/p,"
      "fastly=http://127.0.0.1:9/purge");
  http::response r;
  add_edge_tags(r, cfg, "mz:a mz:a:id=1");
  std::map<std::string, std::string> got;
  for (const auto& h : r.headers) got[h.name] = h.value;
  EXPECT_EQ(got["xkey"], "mz:a mz:a:id=1");
  EXPECT_EQ(got["Cache-Tag"], "mz:a,mz:a:id=1");
  EXPECT_EQ(got["Surrogate-Key"], "mz:a mz:a:id=1");
  http::response none;
  add_edge_tags(none, cfg, "");
  EXPECT_TRUE(none.headers.empty());
}

TEST(EdgeTagging, MutationsPurgeTheirEntriesAndSessionChangesTheUsersEntries) {
  const registry app = make_registry();  // the catalog points into it
  const catalog cat(app, "/api/mizan");
  mutation_effects effects;
  effects.invalidate = {params::invalidation_entry{"board", {{"id", "5"}}},
                        params::invalidation_entry{"notes", {}},
                        params::invalidation_entry{"live", {}}};
  effects.user_id = 3;
  effects.other_users = {8};
  EXPECT_EQ(edge_purge_tags(cat, effects),
            (std::vector<std::string>{"mz:board:id=5", "mz:notes@3", "mz:notes@8"}));

  mutation_effects sign_out;
  sign_out.user_id = 3;
  sign_out.ended_session = "s";
  EXPECT_EQ(edge_purge_tags(cat, sign_out), std::vector<std::string>{"mz:@3"});
  mutation_effects sign_in;
  sign_in.ended_session = "s";
  sign_in.signed_in = 4;
  EXPECT_EQ(edge_purge_tags(cat, sign_in), std::vector<std::string>{"mz:@4"});
  mutation_effects password;
  password.ended_sessions_of = 5;
  EXPECT_EQ(edge_purge_tags(cat, password), std::vector<std::string>{"mz:@5"});
}

}  // namespace
