// Functions with `route` (PROTOCOL.md §4): arguments from the typed path
// segments, the query string and a JSON or form body; invalidation travels
// in `X-Mizan-Invalidate`.
#include "params/uri_encode.hpp"
#include "server/call_state.hpp"
#include "server/coerce.hpp"
#include "server/dispatch.hpp"
#include "server/endpoints.hpp"
#include "server/identity.hpp"
#include "server/request_body.hpp"
#include "server/responses.hpp"
#include "server/session_effects.hpp"

#include <boost/json/serialize.hpp>

namespace mizan::server {

namespace {

bool is_form(const http::request& req) {
  const auto* type = req.find("Content-Type");
  return type && std::string_view(*type).starts_with("application/x-www-form-urlencoded");
}

// The `csrf_token` field of a urlencoded form, for plain HTML forms that
// cannot set headers. Other form fields are not arguments.
std::string form_csrf_token(const http::request& req) {
  std::string_view body = req.body;
  while (!body.empty()) {
    const auto amp = body.find('&');
    const auto pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
    if (pair.starts_with("csrf_token=")) {
      return params::percent_decode(pair.substr(11), true).value_or("");
    }
  }
  return {};
}

void merge(boost::json::object& into, const boost::json::object& from) {
  for (const auto& kv : from) {
    if (into.contains(kv.key())) {
      throw error(errc::bad_request, "Argument '" + std::string(kv.key()) + "' is given twice.");
    }
    into.emplace(kv.key(), kv.value());
  }
}

}  // namespace

http::response view_endpoint(services& svc, const http::request& req, const route_match& match,
                             mutation_effects& effects) {
  const route_def& route = *match.route;
  if (!match.method_allowed) {
    std::string allow;
    for (const auto& m : route.methods) allow += (allow.empty() ? "" : ", ") + m;
    throw error(errc::method_not_allowed, "Method not allowed.").with_header("Allow", allow);
  }
  const function_def& f = *route.function;
  const caller from = caller_of(req);
  const identity who = resolve_identity(svc, from);
  if (req.method != "GET" && req.method != "HEAD") {
    check_csrf(svc, from, who, is_form(req) ? form_csrf_token(req) : std::string());
  }

  boost::json::object args = match.params;
  if (!req.query().empty()) {
    // Query params coerce exactly like context params.
    std::vector<detail::field_def> rest;
    for (const auto& field : f.fields) {
      if (!args.contains(field.name) && field.kind != detail::scalar_kind::none)
        rest.push_back(field);
    }
    merge(args, params::parse_query(req.query(), specs_of(rest)).params);
  }
  if (!req.body.empty() && !is_form(req)) merge(args, parse_arguments(req));

  detail::call_state state = call_state_for(svc, from, who);
  call c(state);
  auto result = run_function(svc.cat, f, args, c);

  http::response res;
  if (result.view) {
    auto& view = *result.view;
    res.status = view.status;
    add_header(res, "Content-Type", view.content_type);
    for (auto& [name, value] : view.headers) add_header(res, std::move(name), std::move(value));
    res.body = std::move(view.body);
  } else {
    res = json_response(200, result_body(result));
  }
  if (!result.invalidate.empty()) {
    add_header(res, "X-Mizan-Invalidate", params::format_invalidate_header(result.invalidate));
  }
  add_header(res, "Cache-Control", "no-store");
  apply_session_change(svc, who, state, res);
  effects.invalidate = std::move(result.invalidate);
  if (who.user) effects.user_id = who.user->id;
  return res;
}

}  // namespace mizan::server
