#include "server/pages/page_endpoint.hpp"

#include "core/crypto.hpp"
#include "core/fingerprint.hpp"
#include "server/endpoints/endpoints.hpp"
#include "server/endpoints/responses.hpp"
#include "server/identity/identity.hpp"
#include "server/pages/page_document.hpp"
#include "server/pages/page_inputs.hpp"
#include "ssr/renderer_pool.hpp"

#include <fmt/format.h>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include <atomic>
#include <future>
#include <span>

namespace mizan::server {
namespace {

/// A context's answer, as the page uses it.
struct context_answer {
  int status = 0;
  std::shared_ptr<const std::string> body;
  std::string etag;
};

context_answer from_response(http::response&& r) {
  context_answer a;
  a.status = r.status;
  a.body = r.shared_body ? std::move(r.shared_body)
                         : std::make_shared<const std::string>(std::move(r.body));
  for (const auto& h : r.headers) {
    if (http::iequals(h.name, "ETag")) a.etag = h.value;
  }
  return a;
}

/// Runs one context as `GET ctx/` would; waits when the same entry is being
/// computed for another request (its leader never waits, so this ends).
context_answer run_context_of_page(services& svc, const caller& from, const context_def& ctx,
                                   context_lookup& lookup) {
  auto later = std::make_shared<std::promise<http::response>>();
  auto answer = context_endpoint(svc, from, ctx, lookup, "", [later]() -> reply {
    return [later](http::response r) { later->set_value(std::move(r)); };
  });
  return from_response(answer ? std::move(*answer) : later->get_future().get());
}

void check_page_access(services& svc, const caller& from, const page_entry& page) {
  const auto level = page.def->auth;
  if (level == auth_level::none) return;
  const auto who = resolve_identity(svc.identity_view, from);
  if (!who.user) throw error(errc::unauthenticated, "Authentication required.");
  const bool staff = who.user->is_staff || who.user->is_superuser;
  if (level == auth_level::staff && !staff) throw error(errc::forbidden, "Staff only.");
  if (level == auth_level::superuser && !who.user->is_superuser) {
    throw error(errc::forbidden, "Superusers only.");
  }
}

/// What a document was built from: index.html's digest (the same on every
/// instance serving the same front-end build) and, in development, the
/// renderers' bundle reloads.
std::string build_of(services& svc) {
  return fmt::format("{}.{}", svc.page_html.build(),
                     svc.renderers ? svc.renderers->bundle_generation() : 0);
}

/// The key of a cached public page: its name, params and the ETags of the
/// data it was rendered from. A purge of any of its contexts changes that
/// data's ETag once recomputed, so the old document is never found again.
std::string page_cache_key(services& svc, const page_entry& page, const page_inputs& in,
                           std::span<const std::string> etags) {
  std::string message =
      fmt::format("mizan-page-v1\n{}\n{}\n{}", page.def->name, build_of(svc), in.canonical);
  for (const auto& etag : etags) message.append(1, '\n').append(etag);
  return fmt::format("mizan:p:{}:{}", page.def->name,
                     crypto::to_hex(crypto::hmac_sha256(svc.cfg.cache_secret, message)));
}

/// Logs a render that fell back to a document without markup: at most one
/// line a second, with how many others there were, so that a renderer outage
/// under load does not flood the log.
void log_fallback(const page_entry& page, const ssr::render_result& result) {
  static std::atomic<std::int64_t> last_second{0};
  static std::atomic<std::uint64_t> unlogged{0};
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::steady_clock::now().time_since_epoch())
                       .count();
  auto last = last_second.load(std::memory_order_relaxed);
  if (last == now || !last_second.compare_exchange_strong(last, now)) {
    unlogged.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  const auto others = unlogged.exchange(0, std::memory_order_relaxed);
  log_failure(fmt::format("page '{}' sent without markup", page.def->name),
              fmt::format("{}: {}{}", ssr::to_string(result.failure), result.detail,
                          others ? fmt::format(" (and {} more since the last line)", others) : ""));
}

std::string page_cache_context(const page_entry& page) {
  return "page:" + page.def->name;
}

http::response html_response(const page_entry& page, std::shared_ptr<const std::string> html,
                             const std::string& etag, std::string_view cache_state,
                             std::string_view rendered_by, std::string_view if_none_match) {
  http::response r;
  r.headers.reserve(6);
  add_header(r, "Content-Type", "text/html; charset=utf-8");
  add_header(r, "ETag", etag);
  // Browsers revalidate every visit: a document kept as fresh would seed
  // the client with data older than its last invalidation.
  add_header(r, "Cache-Control", page.is_private ? "private, no-store" : "no-cache");
  if (page.is_private) add_header(r, "Vary", "Cookie, Authorization");
  add_header(r, "X-Mizan-Cache", std::string(cache_state));
  add_header(r, "X-Mizan-Render", std::string(rendered_by));
  if (etag_matches(if_none_match, etag)) {
    r.status = 304;
    return r;
  }
  r.shared_body = std::move(html);
  return r;
}

std::string json_text(std::string_view s) {
  return boost::json::serialize(boost::json::string(s));
}

/// What the renderer is given: the page, its route and params, and the data.
std::string render_input(const page_entry& page, std::string_view path, const page_inputs& in,
                         std::string_view data_json) {
  std::string out = R"({"page":)";
  out += json_text(page.def->name);
  out += R"(,"route":)";
  out += json_text(page.def->route);
  out += R"(,"path":)";
  out += json_text(path);
  out += R"(,"params":)";
  out += boost::json::serialize(in.params);
  out += R"(,"data":)";
  out += data_json;
  out += '}';
  return out;
}

}  // namespace

std::optional<http::response> page_fast_path(services& svc, const page_match& match,
                                             std::string_view /*path*/, std::string_view query,
                                             std::string_view if_none_match) {
  const page_entry& page = *match.page;
  if (!page.ttl_seconds || !svc.cache->nonblocking()) return std::nullopt;
  const page_inputs in = resolve_page_inputs(svc, match, query);
  std::vector<std::string> etags;
  etags.reserve(in.lookups.size());
  for (const auto& lookup : in.lookups) {
    if (lookup.key.empty()) return std::nullopt;
    auto hit = svc.cache->get(lookup.key);
    if (!hit) return std::nullopt;
    etags.push_back(std::move(hit->etag));
  }
  auto hit = svc.cache->get(page_cache_key(svc, page, in, etags));
  if (!hit) return std::nullopt;
  return html_response(page, std::move(hit->body), hit->etag, "hit", "server", if_none_match);
}

http::response page_endpoint(services& svc, const caller& from, const page_match& match,
                             std::string_view path, std::string_view query,
                             std::string_view if_none_match) {
  const page_entry& page = *match.page;
  check_page_access(svc, from, page);
  page_inputs in = resolve_page_inputs(svc, match, query);

  // The data, as `GET ctx/` answers it; a context the caller may not read
  // (or that failed) is left out, and the client asks for it itself.
  std::string data_json = "{";
  std::vector<std::string> etags;
  etags.reserve(in.lookups.size());
  bool complete = true;
  for (std::size_t i = 0; i < in.lookups.size(); ++i) {
    auto answer = run_context_of_page(svc, from, *page.contexts[i].context, in.lookups[i]);
    if (answer.status != 200) {
      complete = false;
      continue;
    }
    if (data_json.size() > 1) data_json += ',';
    data_json += json_text(in.ssr_keys[i]);
    data_json += ':';
    data_json += *answer.body;
    etags.push_back(std::move(answer.etag));
  }
  data_json += '}';

  const bool cacheable = page.ttl_seconds && complete;
  std::string key;
  cache::fill_ticket ticket;
  if (cacheable) {
    key = page_cache_key(svc, page, in, etags);
    if (auto hit = svc.cache->get(key, page_cache_context(page), ticket)) {
      return html_response(page, std::move(hit->body), hit->etag, "hit", "server", if_none_match);
    }
  }

  const auto doc = svc.page_html.current();
  std::optional<ssr::rendered> markup;
  if (svc.renderers && doc->accepts_markup()) {
    auto result = svc.renderers->render(render_input(page, path, in, data_json),
                                        std::chrono::steady_clock::now() + svc.cfg.ssr_timeout);
    if (result.page) {
      markup = std::move(result.page);
    } else {
      log_fallback(page, result);
    }
  }
  const std::string script = ssr_data_script(data_json);
  auto html = std::make_shared<const std::string>(
      markup ? doc->render(markup->head, script, markup->body) : doc->render("", script, ""));
  const std::string etag = fingerprint::etag(*html);
  // Only a complete document is kept: a fallback without markup is not.
  if (cacheable && markup) {
    cache::entry_meta meta{page_cache_context(page), {}, "public"};
    svc.cache->put(key, std::move(meta), cache::cached_response{html, etag, "text/html"},
                   std::chrono::seconds(*page.ttl_seconds), ticket);
  }
  return html_response(page, std::move(html), etag, cacheable ? "miss" : "bypass",
                       markup ? "server" : "client", if_none_match);
}

}  // namespace mizan::server
