#include "server/app/app_handler.hpp"

#include "server/realtime/realtime.hpp"

#include "server/dispatch/schema_skew.hpp"

#include "server/endpoints/endpoints.hpp"
#include "server/endpoints/responses.hpp"
#include "server/identity/identity.hpp"
#include "server/pages/page_endpoint.hpp"

#include <boost/json/serialize.hpp>

namespace mizan::server {
namespace {

/// "ctx/todos/" -> {"ctx", "todos"}; one optional trailing slash allowed.
bool split_api_path(std::string_view rest, std::string_view& kind, std::string_view& name) {
  if (rest.ends_with('/')) rest.remove_suffix(1);
  const auto slash = rest.find('/');
  kind = rest.substr(0, slash);
  name = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
  return name.find('/') == std::string_view::npos;
}

http::response not_found() {
  return error_response(error(errc::not_found, "Not found."));
}

/// The refusal of a read (a context or a page), if any: a method other than
/// GET or HEAD, or an invalid bearer token — refused everywhere, cached
/// answers included; a valid one is kept in `from`, not verified again.
std::optional<http::response> refuse_read(const services& svc, const http::request& req,
                                          caller& from) {
  if (req.method != "GET" && req.method != "HEAD") {
    return error_response(
        error(errc::method_not_allowed, "Use GET.").with_header("Allow", "GET, HEAD"));
  }
  if (!verify_bearer(svc.jwt, from)) {
    return error_response(error(errc::unauthenticated, "Invalid or expired token."));
  }
  return std::nullopt;
}

/// A call from a client generated from another schema (it sends its
/// `schemaHash` as X-Mizan-Schema) is refused before it runs.
std::optional<http::response> refuse_stale_client(std::string_view schema_hash,
                                                  const http::request& req) {
  const auto* sent = req.find("X-Mizan-Schema");
  if (!sent || !stale_schema(*sent, schema_hash)) return std::nullopt;
  return error_response(schema_mismatch());
}

std::string_view if_none_match_of(const http::request& req) {
  const auto* value = req.find("If-None-Match");
  return value ? std::string_view(*value) : std::string_view{};
}

/// The HTTP transport's sink: the request's responder.
struct http_sink {
  const http::request* req;
  http::responder res;

  void send(http::response&& r) { res.send(std::move(r)); }
  bool valid() const { return res.valid(); }
  std::string describe() const { return std::string(req->method) + " " + std::string(req->path()); }
};

}  // namespace

app_handler::app_handler(services& svc, job_runner& runner, realtime* rt)
    : svc_(svc), runner_(runner), realtime_(rt) {}

void app_handler::handle(const http::request& req, http::responder res) {
  const std::string_view path = req.path();
  const std::string_view prefix = svc_.cfg.api_prefix;
  if (path.starts_with(prefix) && (path.size() == prefix.size() || path[prefix.size()] == '/')) {
    std::string_view kind, name;
    const auto rest =
        path.size() > prefix.size() ? path.substr(prefix.size() + 1) : path.substr(0, 0);
    if (!split_api_path(rest, kind, name)) return res.send(not_found());

    if (kind == "ctx" && !name.empty()) {
      const auto* ctx = svc_.cat.context(name);
      if (!ctx) return res.send(error_response(error(errc::not_found, "Unknown context.")));
      caller from = caller_of(req);
      if (auto refused = refuse_read(svc_, req, from)) return res.send(std::move(*refused));
      const std::string_view etags = if_none_match_of(req);
      context_lookup lookup;
      try {
        lookup = lookup_context(svc_, *ctx, req.query());
      } catch (const error& e) {
        return res.send(error_response(e));
      }
      if (auto hit = context_fast_path(svc_, *ctx, lookup, etags)) return res.send(std::move(*hit));
      return runner_.offload(
          http_sink{&req, std::move(res)},
          [this, ctx, from, etags, lookup = std::move(lookup)](http_sink& sink) mutable {
            auto& r = sink.res;
            auto answer = context_endpoint(svc_, from, *ctx, lookup, etags, [&r]() -> reply {
              return [shared = std::make_shared<http::responder>(std::move(r))](
                         http::response answer) { shared->send(std::move(answer)); };
            });
            if (answer) r.send(std::move(*answer));
          });
    }
    if (kind == "call" && !name.empty()) {
      if (auto refused = refuse_stale_client(svc_.schema_hash, req))
        return res.send(std::move(*refused));
      // Refusals (unknown function, wrong method) stay off the lane.
      const auto* f = svc_.cat.function(name);
      return runner_.mutate(http_sink{&req, std::move(res)},
                            f && !f->unbatched && req.method == "POST",
                            [this, &req, f, from = caller_of(req)](mutation_effects& effects) {
                              return call_endpoint(svc_, from, f, req.body, effects);
                            });
    }
    if (kind == "session" && name.empty()) {
      return runner_.offload(http_sink{&req, std::move(res)},
                             [this, from = caller_of(req)](http_sink& sink) {
                               sink.send(session_endpoint(svc_, from));
                             });
    }
    if (kind == "health" && name.empty()) {
      // For load balancers: 503 from the moment a drain begins (MIZAN_DRAIN_MS).
      if (draining_.load(std::memory_order_relaxed)) {
        return res.send(error_response(
            error(errc::unavailable, "The server is stopping.").with_header("Retry-After", "1")));
      }
      return res.send(json_response(200, std::string(R"({"status":"ok"})")));
    }
    if (kind == "schema" && name.empty() && svc_.cfg.debug) {
      return res.send(json_response(200, svc_.schema_json));
    }
    return res.send(not_found());
  }

  // Application routes first, then static files.
  std::optional<route_match> match;
  try {
    match = svc_.cat.match(path, req.method);
  } catch (const error& e) {
    return res.send(error_response(e));
  }
  if (match) {
    // Reads stay off the lane; so do refusals (method not allowed).
    const bool batched = match->method_allowed && !match->route->function->unbatched &&
                         req.method != "GET" && req.method != "HEAD";
    return runner_.mutate(
        http_sink{&req, std::move(res)}, batched,
        [this, &req, m = std::move(*match), from = caller_of(req)](mutation_effects& effects) {
          return view_endpoint(svc_, from, m, req.query(), req.body, effects);
        });
  }
  if (!svc_.pages.pages().empty()) {
    if (auto page = svc_.pages.match(path)) return handle_page(req, std::move(res), *page);
  }
  runner_.offload(http_sink{&req, std::move(res)},
                  [this, &req](http_sink& sink) { sink.send(static_endpoint(svc_.cfg, req)); });
}

void app_handler::handle_page(const http::request& req, http::responder res, page_match& page) {
  caller from = caller_of(req);
  if (auto refused = refuse_read(svc_, req, from)) return res.send(std::move(*refused));
  const std::string_view etags = if_none_match_of(req);
  try {
    if (auto hit = page_fast_path(svc_, page, req.path(), req.query(), etags)) {
      return res.send(std::move(*hit));
    }
  } catch (const error& e) {
    return res.send(error_response(e));
  }
  runner_.offload(http_sink{&req, std::move(res)},
                  [this, &req, from, etags, m = std::move(page)](http_sink& sink) {
                    sink.send(page_endpoint(svc_, from, m, req.path(), req.query(), etags));
                  });
}

}  // namespace mizan::server

namespace mizan::server {

http::upgrade_verdict app_handler::check_upgrade(const http::request& req) {
  if (!realtime_) return {};
  return realtime_->check_upgrade(req);
}

void app_handler::upgrade(http::request&& req, http::upgraded connection) {
  if (realtime_) realtime_->upgrade(std::move(req), std::move(connection));
}

void app_handler::stopping() {
  if (realtime_) realtime_->shut_down();
}

}  // namespace mizan::server
