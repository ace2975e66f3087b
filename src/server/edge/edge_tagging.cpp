#include "server/edge/edge_tagging.hpp"

#include "auth/mwt.hpp"
#include "edge/cache_tags.hpp"
#include "server/endpoints/responses.hpp"
#include "server/identity/cookies.hpp"
#include "server/identity/identity.hpp"

#include <algorithm>

namespace mizan::server {
namespace {

edge::tagged_context tagged(const context_def& ctx) {
  return {ctx.name, ctx.is_private, ctx.params.size()};
}

bool mwt_names(const settings& cfg, std::string_view cookies, std::int64_t user) {
  const auto token = find_only_cookie(cookies, cookie_names_for(cfg.secure_cookies).mwt);
  if (!token) return false;
  const auto sub = auth::mwt_verify(cfg.mwt_secret, *token, unix_now());
  return sub && *sub == std::to_string(user);
}

}  // namespace

bool edge_cacheable(const context_def& ctx) {
  if (!ctx.ttl_seconds) return false;
  return std::all_of(ctx.functions.begin(), ctx.functions.end(), [&](const function_def* f) {
    if (f->auth_predicate) return false;
    return f->auth == auth_level::none || (ctx.is_private && f->auth == auth_level::user);
  });
}

std::string edge_tags(const settings& cfg, const context_def& ctx,
                      const boost::json::object& params, std::optional<std::int64_t> user,
                      std::string_view cookies) {
  if (cfg.edge_purge.empty() || !edge_cacheable(ctx)) return {};
  if (ctx.is_private && (!user || !mwt_names(cfg, cookies, *user))) return {};
  const auto pairs = params::canonical_pairs(params);
  return edge::response_tags(tagged(ctx), pairs, ctx.is_private ? user : std::nullopt);
}

void add_edge_tags(http::response& res, const settings& cfg, std::string_view tags) {
  if (tags.empty()) return;
  bool varnish = false, cloudflare = false, fastly = false;
  for (const auto& target : cfg.edge_purge) {
    varnish |= target.kind == edge::purge_kind::varnish;
    cloudflare |= target.kind == edge::purge_kind::cloudflare;
    fastly |= target.kind == edge::purge_kind::fastly;
  }
  if (varnish) add_header(res, "xkey", std::string(tags));
  if (cloudflare) {
    std::string listed(tags);
    std::replace(listed.begin(), listed.end(), ' ', ',');
    add_header(res, "Cache-Tag", std::move(listed));
  }
  if (fastly) add_header(res, "Surrogate-Key", std::string(tags));
}

std::vector<std::string> edge_purge_tags(const catalog& cat, const mutation_effects& effects) {
  std::vector<std::string> tags;
  std::vector<std::int64_t> users;
  if (effects.user_id) users.push_back(*effects.user_id);
  users.insert(users.end(), effects.other_users.begin(), effects.other_users.end());
  for (const auto& entry : effects.invalidate) {
    const auto it = cat.contexts().find(entry.context);
    if (it == cat.contexts().end() || !edge_cacheable(it->second)) continue;
    edge::purge_tags(tagged(it->second), entry, users, tags);
  }
  // A user who signed out (or in) must not find their old entries under the
  // old cookie: every private entry of theirs goes.
  if (!effects.ended_session.empty() && effects.user_id) {
    tags.push_back(edge::user_tag(*effects.user_id));
  }
  if (effects.signed_in) tags.push_back(edge::user_tag(*effects.signed_in));
  if (effects.ended_sessions_of) tags.push_back(edge::user_tag(*effects.ended_sessions_of));
  std::sort(tags.begin(), tags.end());
  tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
  return tags;
}

std::vector<std::string> edge_whole_purge_tags(const catalog& cat) {
  std::vector<std::string> tags;
  for (const auto& [name, ctx] : cat.contexts()) {
    if (!edge_cacheable(ctx)) continue;
    edge::purge_tags(tagged(ctx), params::invalidation_entry{name, {}}, {}, tags);
  }
  return tags;
}

}  // namespace mizan::server
