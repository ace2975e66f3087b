// GET {prefix}/ctx/{context}/: bundling, canonical params, the origin cache
// with single flight, ETag/304 and the cache headers (PROTOCOL.md §3, §6).
#include "cache/cache_key.hpp"
#include "core/error_body.hpp"
#include "core/fingerprint.hpp"
#include "mizan/channel.hpp"
#include "server/dispatch/call_state.hpp"
#include "server/dispatch/dispatch.hpp"
#include "server/edge/edge_tagging.hpp"
#include "server/endpoints/endpoints.hpp"
#include "server/endpoints/responses.hpp"
#include "server/identity/identity.hpp"

#include <fmt/format.h>
#include <boost/json/serialize.hpp>

namespace mizan::server {
namespace {

std::string cache_control(const context_def& ctx) {
  const char* visibility = ctx.is_private ? "private" : "public";
  if (!ctx.ttl_seconds) return ctx.is_private ? "private, no-store" : "no-store";
  return fmt::format("{}, max-age={}", visibility, *ctx.ttl_seconds);
}

http::response respond_with(std::string_view if_none_match, const context_def& ctx,
                            const prepared_context& p, std::string_view cache_state,
                            const settings& cfg, std::string_view edge_tags) {
  http::response r;
  r.status = p.status;
  r.headers.reserve(6);
  add_header(r, "Content-Type", "application/json");
  if (p.status == 200) {
    add_header(r, "ETag", p.etag);
    add_header(r, "Cache-Control", cache_control(ctx));
    add_edge_tags(r, cfg, edge_tags);
  } else {
    add_header(r, "Cache-Control", "no-store");
    for (const auto& [name, value] : p.error_headers) add_header(r, name, value);
  }
  if (ctx.is_private) add_header(r, "Vary", "Cookie, Authorization");
  add_header(r, "X-Mizan-Cache", std::string(cache_state));
  if (p.status == 200 && etag_matches(if_none_match, p.etag)) {
    r.status = 304;
    return r;
  }
  r.shared_body = p.body;
  return r;
}

prepared_context compute(services& svc, const context_def& ctx, const boost::json::object& params,
                         detail::call_state& state) {
  prepared_context p;
  try {
    call c(state);
    if (svc.invalidation_check) {
      db::detail::table_observation seen;
      p.body = std::make_shared<const std::string>(run_context(ctx, params, c));
      svc.invalidation_check->context_read(ctx, seen.tables());
    } else {
      p.body = std::make_shared<const std::string>(run_context(ctx, params, c));
    }
    p.etag = fingerprint::etag(*p.body);
    // A read has no commit to wait for: its messages go at once.
    for (auto& [channel, json] : state.published)
      mizan::detail::publish_json(channel, std::move(json));
  } catch (const error& e) {
    p.status = e.status();
    p.body = std::make_shared<const std::string>(core::error_body(e));
    p.error_headers = e.headers();
  } catch (const std::exception& e) {
    auto r =
        internal_error_response(fmt::format("context '{}': {}", ctx.name, e.what()), svc.cfg.debug);
    p.status = r.status;
    p.body = std::make_shared<const std::string>(std::move(r.body));
  }
  return p;
}

// A public context's tags depend on its params alone.
std::string public_tags(const services& svc, const context_def& ctx, const context_lookup& lookup) {
  if (svc.cfg.edge_purge.empty()) return {};
  return edge_tags(svc.cfg, ctx, lookup.parsed.params, std::nullopt, {});
}

bool locally_cacheable(const context_def& ctx) {
  return ctx.ttl_seconds && !ctx.is_private && !ctx.needs_user;
}

// What the cache said before the snapshot began.
struct before_snapshot {
  cache::fill_ticket ticket;
  bool looked_up = false;  ///< lookup.key was read, and missed
};

std::optional<http::response> serve_context(services& svc, const caller& from,
                                            const context_def& ctx, context_lookup& lookup,
                                            std::string_view if_none_match,
                                            const std::function<reply()>& wait,
                                            const before_snapshot& seen) {
  detail::call_state state;
  state.services = &svc.identity_view;
  state.caller = &from;
  if (ctx.is_private || ctx.needs_user) {
    auto who = resolve_identity(svc.identity_view, from);
    state.user = std::move(who.user);
    state.bearer = who.bearer;
  }
  std::string scope;
  if (!ctx.is_private) {
    scope = "public";
  } else if (state.user) {
    scope = fmt::format("user:{}", state.user->id);
  }
  std::string tags;
  if (!svc.cfg.edge_purge.empty()) {
    tags = edge_tags(svc.cfg, ctx, lookup.parsed.params,
                     state.user ? std::optional(state.user->id) : std::nullopt, from.cookies);
  }
  if (!ctx.ttl_seconds || scope.empty()) {
    return respond_with(if_none_match, ctx, compute(svc, ctx, lookup.parsed.params, state),
                        "bypass", svc.cfg, tags);
  }

  if (lookup.key.empty()) {
    lookup.key =
        cache::cache_key(svc.cfg.cache_secret, ctx.name, ctx.rev, lookup.parsed.canonical, scope);
  }
  const std::string& key = lookup.key;
  if (!seen.looked_up) {
    if (auto hit = svc.cache->get(key)) {
      prepared_context p{200, std::move(hit->body), std::move(hit->etag), true};
      return respond_with(if_none_match, ctx, p, "hit", svc.cfg, tags);
    }
  }
  // Concurrent misses for one key compute once; the others wait for it.
  // Every one of them, the leader too, is answered through its reply.
  const std::string flight = flight_key(key, seen.ticket);
  const bool leader =
      svc.flights.join(flight, [&ctx, &cfg = svc.cfg, if_none_match, tags = std::move(tags),
                                send = wait()](const prepared_context* p) {
        send(respond_with(if_none_match, ctx, *p, "miss", cfg, tags));
      });
  if (!leader) return std::nullopt;
  prepared_context p = compute(svc, ctx, lookup.parsed.params, state);
  if (p.status == 200) {
    cache::entry_meta meta{ctx.name, params::canonical_pairs(lookup.parsed.params), scope};
    svc.cache->put(key, std::move(meta), cache::cached_response{p.body, p.etag, "application/json"},
                   std::chrono::seconds(*ctx.ttl_seconds), seen.ticket);
  }
  svc.flights.complete(flight, &p);
  return std::nullopt;
}

}  // namespace

std::string flight_key(std::string_view key, const cache::fill_ticket& ticket) {
  return fmt::format("{}#{}.{}", key, ticket.generation, ticket.purges);
}

context_lookup lookup_context(const services& svc, const context_def& ctx, std::string_view query) {
  context_lookup lookup{params::parse_query(query, ctx.specs), {}};
  if (locally_cacheable(ctx)) {
    lookup.key = cache::cache_key(svc.cfg.cache_secret, ctx.name, ctx.rev, lookup.parsed.canonical,
                                  "public");
  }
  return lookup;
}

std::optional<http::response> context_fast_path(services& svc, const context_def& ctx,
                                                context_lookup& lookup,
                                                std::string_view if_none_match) {
  if (lookup.key.empty() || !svc.cache->nonblocking()) return std::nullopt;
  auto hit = svc.cache->get(lookup.key);
  if (!hit) return std::nullopt;
  prepared_context p{200, std::move(hit->body), std::move(hit->etag), true};
  return respond_with(if_none_match, ctx, p, "hit", svc.cfg, public_tags(svc, ctx, lookup));
}

std::optional<http::response> context_endpoint(services& svc, const caller& from,
                                               const context_def& ctx, context_lookup& lookup,
                                               std::string_view if_none_match,
                                               const std::function<reply()>& wait) {
  // The cache is asked before the snapshot begins: a commit the snapshot
  // misses is then purged after the ticket was taken, and the stale value is
  // not stored. A public entry is looked up in the same round trip, and a hit
  // needs no database at all.
  before_snapshot seen;
  if (ctx.ttl_seconds) {
    if (!lookup.key.empty()) {
      if (auto hit = svc.cache->get(lookup.key, ctx.name, seen.ticket)) {
        prepared_context p{200, std::move(hit->body), std::move(hit->etag), true};
        return respond_with(if_none_match, ctx, p, "hit", svc.cfg, public_tags(svc, ctx, lookup));
      }
      seen.looked_up = true;
    } else {
      seen.ticket = svc.cache->ticket(ctx.name);
    }
  }
  // One read snapshot for the session, the user and every bundled function:
  // consistent results, and one SQLite lock cycle instead of one per query.
  std::optional<http::response> answer;
  svc.database.connection().read_transaction(
      [&] { answer = serve_context(svc, from, ctx, lookup, if_none_match, wait, seen); });
  return answer;
}

}  // namespace mizan::server
