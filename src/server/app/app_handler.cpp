#include "server/app/app_handler.hpp"

#include "server/endpoints/endpoints.hpp"
#include "server/endpoints/responses.hpp"
#include "server/identity/identity.hpp"

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

/// The answer to an exception thrown while serving `req`.
http::response answer_for(std::exception_ptr thrown, const http::request& req, bool debug) {
  try {
    std::rethrow_exception(std::move(thrown));
  } catch (const error& e) {
    return error_response(e);
  } catch (const std::exception& e) {
    return internal_error_response(
        std::string(req.method) + " " + std::string(req.path()) + ": " + e.what(), debug);
  } catch (...) {
    return internal_error_response(std::string(req.method) + " " + std::string(req.path()), debug);
  }
}

/// A mutation (call or view route) in the write lane.
template <class Endpoint>
class mutation_job final : public write_job {
 public:
  mutation_job(services& svc, const http::request& req, http::responder res, Endpoint endpoint)
      : svc_(svc), req_(req), res_(std::move(res)), endpoint_(std::move(endpoint)) {}

  void run() override {
    answer_ = endpoint_(effects_);
    succeeded_ = true;
  }
  void failed(std::exception_ptr error) noexcept override {
    answer_ = answer_for(std::move(error), req_, svc_.cfg.debug);
  }
  void finish(bool committed, std::exception_ptr why) noexcept override {
    if (succeeded_ && committed) {
      try {
        svc_.apply(effects_);
      } catch (const std::exception& e) {
        // The write is committed: answer it. A stale cache entry expires.
        log_failure("invalidation after commit", e.what());
      }
    } else if (succeeded_) {
      answer_ = answer_for(std::move(why), req_, svc_.cfg.debug);
    }
    if (res_.valid()) res_.send(std::move(answer_));
  }
  std::string describe() const override {
    return std::string(req_.method) + " " + std::string(req_.path());
  }

 private:
  services& svc_;
  const http::request& req_;
  http::responder res_;
  Endpoint endpoint_;
  mutation_effects effects_;
  http::response answer_;
  bool succeeded_ = false;
};

}  // namespace

template <class Work>
void app_handler::offload(const http::request& req, http::responder res, Work work) {
  pool_.post([this, &req, res = std::move(res), work = std::move(work)]() mutable {
    try {
      work(res);
    } catch (...) {
      if (res.valid()) res.send(answer_for(std::current_exception(), req, svc_.cfg.debug));
    }
  });
}

template <class Endpoint>
void app_handler::mutate(const http::request& req, http::responder res, bool batched,
                         Endpoint endpoint) {
  if (batched) {
    lane_.post(
        std::make_unique<mutation_job<Endpoint>>(svc_, req, std::move(res), std::move(endpoint)));
    return;
  }
  offload(req, std::move(res), [this, endpoint = std::move(endpoint)](http::responder& r) {
    mutation_effects effects;
    auto answer = endpoint(effects);
    svc_.apply(effects);
    r.send(std::move(answer));
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
      // An invalid bearer token is refused everywhere, cached answers included;
      // a valid one is not verified again on the worker.
      caller from = caller_of(req);
      if (!verify_bearer(svc_.jwt, from)) {
        return res.send(error_response(error(errc::unauthenticated, "Invalid or expired token.")));
      }
      const auto* if_none_match = req.find("If-None-Match");
      const std::string_view etags = if_none_match ? std::string_view(*if_none_match) : "";
      context_lookup lookup;
      try {
        lookup = lookup_context(svc_, *ctx, req.query());
      } catch (const error& e) {
        return res.send(error_response(e));
      }
      if (auto hit = context_fast_path(svc_, *ctx, lookup, etags)) return res.send(std::move(*hit));
      return offload(
          req, std::move(res),
          [this, ctx, from, etags, lookup = std::move(lookup)](http::responder& r) mutable {
            auto answer = context_endpoint(svc_, from, *ctx, lookup, etags, [&r]() -> reply {
              return [shared = std::make_shared<http::responder>(std::move(r))](
                         http::response answer) { shared->send(std::move(answer)); };
            });
            if (answer) r.send(std::move(*answer));
          });
    }
    if (kind == "call" && !name.empty()) {
      // Refusals (unknown function, wrong method) stay off the lane.
      const auto* f = svc_.cat.function(name);
      return mutate(req, std::move(res), f && !f->unbatched && req.method == "POST",
                    [this, &req, f, from = caller_of(req)](mutation_effects& effects) {
                      return call_endpoint(svc_, from, f, req.body, effects);
                    });
    }
    if (kind == "session" && name.empty()) {
      return offload(req, std::move(res), [this, from = caller_of(req)](http::responder& r) {
        r.send(session_endpoint(svc_, from));
      });
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
    return mutate(
        req, std::move(res), batched,
        [this, &req, m = std::move(*match), from = caller_of(req)](mutation_effects& effects) {
          return view_endpoint(svc_, from, m, req.query(), req.body, effects);
        });
  }
  offload(req, std::move(res),
          [this, &req](http::responder& r) { r.send(static_endpoint(svc_.cfg, req)); });
}

}  // namespace mizan::server
