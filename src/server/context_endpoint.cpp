// GET {prefix}/ctx/{context}/: bundling, canonical params, the origin cache
// with single flight, ETag/304 and the cache headers (PROTOCOL.md §3, §6).
#include "cache/cache_key.hpp"
#include "core/fingerprint.hpp"
#include "server/call_state.hpp"
#include "server/dispatch.hpp"
#include "server/endpoints.hpp"
#include "server/identity.hpp"
#include "server/responses.hpp"

#include <fmt/format.h>
#include <boost/json/serialize.hpp>

namespace mizan::server {
namespace {

bool etag_matches(const http::request& req, std::string_view etag) {
  const auto* header = req.find("If-None-Match");
  if (!header) return false;
  std::string_view list = *header;
  while (!list.empty()) {
    const auto comma = list.find(',');
    auto item = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.starts_with("W/")) item.remove_prefix(2);
    if (item == "*" || item == etag) return true;
  }
  return false;
}

std::string cache_control(const context_def& ctx) {
  const char* visibility = ctx.is_private ? "private" : "public";
  if (!ctx.ttl_seconds) return ctx.is_private ? "private, no-store" : "no-store";
  return fmt::format("{}, max-age={}", visibility, *ctx.ttl_seconds);
}

http::response respond_with(const http::request& req, const context_def& ctx,
                            const prepared_context& p, std::string_view cache_state) {
  http::response r;
  r.status = p.status;
  r.headers.reserve(6);
  add_header(r, "Content-Type", "application/json");
  if (p.status == 200) {
    add_header(r, "ETag", p.etag);
    add_header(r, "Cache-Control", cache_control(ctx));
  } else {
    add_header(r, "Cache-Control", "no-store");
  }
  if (ctx.is_private) add_header(r, "Vary", "Cookie, Authorization");
  add_header(r, "X-Mizan-Cache", std::string(cache_state));
  if (p.status == 200 && etag_matches(req, p.etag)) {
    r.status = 304;
    return r;
  }
  r.shared_body = p.body;
  return r;
}

prepared_context compute(services& svc, const http::request& req, const context_def& ctx,
                         const boost::json::object& params, detail::call_state& state) {
  prepared_context p;
  try {
    call c(state);
    p.body = std::make_shared<const std::string>(run_context(ctx, params, c));
    p.etag = fingerprint::etag(*p.body);
  } catch (const error& e) {
    auto r = error_response(e);
    p.status = r.status;
    p.body = std::make_shared<const std::string>(std::move(r.body));
  } catch (const std::exception& e) {
    auto r =
        internal_error_response(fmt::format("context '{}': {}", ctx.name, e.what()), svc.cfg.debug);
    p.status = r.status;
    p.body = std::make_shared<const std::string>(std::move(r.body));
  }
  (void)req;
  return p;
}

bool locally_cacheable(const context_def& ctx) {
  return ctx.ttl_seconds && !ctx.is_private && !ctx.needs_user;
}

void serve_context(services& svc, const http::request& req, const context_def& ctx,
                   http::responder& res) {
  const auto parsed = params::parse_query(req.query(), ctx.specs);
  const caller from = caller_of(req);
  detail::call_state state;
  state.services = &svc;
  state.caller = &from;
  if (ctx.is_private || ctx.needs_user) {
    auto who = resolve_identity(svc, from);
    state.user = std::move(who.user);
    state.bearer = who.bearer;
  }
  std::string scope;
  if (!ctx.is_private) {
    scope = "public";
  } else if (state.user) {
    scope = fmt::format("user:{}", state.user->id);
  }
  if (!ctx.ttl_seconds || scope.empty()) {
    res.send(respond_with(req, ctx, compute(svc, req, ctx, parsed.params, state), "bypass"));
    return;
  }

  const auto key =
      cache::cache_key(svc.cfg.cache_secret, ctx.name, ctx.rev, parsed.canonical, scope);
  if (auto hit = svc.cache->get(key)) {
    prepared_context p{200, std::move(hit->body), std::move(hit->etag), true};
    res.send(respond_with(req, ctx, p, "hit"));
    return;
  }
  // Concurrent misses for one key compute once; the others wait for it.
  auto shared_res = std::make_shared<http::responder>(std::move(res));
  const bool leader = svc.flights.join(key, [&req, &ctx, shared_res](const prepared_context* p) {
    shared_res->send(respond_with(req, ctx, *p, "miss"));
  });
  if (!leader) return;
  prepared_context p = compute(svc, req, ctx, parsed.params, state);
  if (p.status == 200) {
    cache::entry_meta meta{ctx.name, params::canonical_pairs(parsed.params), scope};
    svc.cache->put(key, std::move(meta), cache::cached_response{p.body, p.etag, "application/json"},
                   std::chrono::seconds(*ctx.ttl_seconds));
  }
  svc.flights.complete(key, &p);
}

}  // namespace

bool context_fast_path(services& svc, const http::request& req, const context_def& ctx,
                       http::responder& res) {
  if (!locally_cacheable(ctx) || !svc.cache->nonblocking()) return false;
  try {
    const auto parsed = params::parse_query(req.query(), ctx.specs);
    const auto key =
        cache::cache_key(svc.cfg.cache_secret, ctx.name, ctx.rev, parsed.canonical, "public");
    auto hit = svc.cache->get(key);
    if (!hit) return false;
    prepared_context p{200, std::move(hit->body), std::move(hit->etag), true};
    res.send(respond_with(req, ctx, p, "hit"));
  } catch (const error& e) {
    res.send(error_response(e));
  }
  return true;
}

void context_endpoint(services& svc, const http::request& req, const context_def& ctx,
                      http::responder& res) {
  // One read snapshot for the session, the user and every bundled function:
  // consistent results, and one SQLite lock cycle instead of one per query.
  svc.database.connection().read_transaction([&] { serve_context(svc, req, ctx, res); });
}

}  // namespace mizan::server
