#include "server/app_handler.hpp"

#include "server/endpoints.hpp"
#include "server/identity.hpp"
#include "server/responses.hpp"

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

}  // namespace

template <class Work>
void app_handler::offload(const http::request& req, http::responder res, Work work) {
  pool_.post([this, &req, res = std::move(res), work = std::move(work)]() mutable {
    try {
      work(res);
    } catch (const error& e) {
      if (res.valid()) res.send(error_response(e));
    } catch (const std::exception& e) {
      if (res.valid())
        res.send(internal_error_response(
            std::string(req.method) + " " + std::string(req.path()) + ": " + e.what(),
            svc_.cfg.debug));
    }
  });
}

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
      if (req.method != "GET" && req.method != "HEAD") {
        return res.send(error_response(
            error(errc::method_not_allowed, "Use GET.").with_header("Allow", "GET, HEAD")));
      }
      // An invalid bearer token is refused everywhere, cached answers included.
      if (!bearer_token_acceptable(svc_, req)) {
        return res.send(error_response(error(errc::unauthenticated, "Invalid or expired token.")));
      }
      if (context_fast_path(svc_, req, *ctx, res)) return;
      return offload(req, std::move(res), [this, &req, ctx](http::responder& r) {
        context_endpoint(svc_, req, *ctx, r);
      });
    }
    if (kind == "call" && !name.empty()) {
      return offload(req, std::move(res), [this, &req, name](http::responder& r) {
        r.send(call_endpoint(svc_, req, name));
      });
    }
    if (kind == "session" && name.empty()) {
      return offload(req, std::move(res),
                     [this, &req](http::responder& r) { r.send(session_endpoint(svc_, req)); });
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
    return offload(req, std::move(res), [this, &req, m = std::move(*match)](http::responder& r) {
      r.send(view_endpoint(svc_, req, m));
    });
  }
  offload(req, std::move(res),
          [this, &req](http::responder& r) { r.send(static_endpoint(svc_.cfg, req)); });
}

}  // namespace mizan::server
