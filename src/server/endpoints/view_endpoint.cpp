// Functions with `route` (PROTOCOL.md §4): arguments from the typed path
// segments, the query string and a JSON or form body; invalidation travels
// in `X-Mizan-Invalidate`.
#include "params/uri_encode.hpp"
#include "server/dispatch/call_state.hpp"
#include "server/dispatch/dispatch.hpp"
#include "server/endpoints/endpoints.hpp"
#include "server/endpoints/mutation_answer.hpp"
#include "server/endpoints/request_body.hpp"
#include "server/endpoints/responses.hpp"
#include "server/identity/identity.hpp"
#include "server/identity/session_effects.hpp"
#include "server/registry/field_coercion.hpp"

#include <boost/json/serialize.hpp>

namespace mizan::server {

namespace {

bool is_form(std::string_view content_type) {
  return content_type.starts_with("application/x-www-form-urlencoded");
}

// The `csrf_token` field of a urlencoded form, for plain HTML forms that
// cannot set headers. Other form fields are not arguments.
std::string form_csrf_token(std::string_view body) {
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

http::response view_endpoint(services& svc, const caller& from, const route_match& match,
                             std::string_view query, std::string_view body,
                             mutation_effects& effects) {
  const route_def& route = *match.route;
  if (!match.method_allowed) {
    std::string allow;
    for (const auto& m : route.methods) allow += (allow.empty() ? "" : ", ") + m;
    throw error(errc::method_not_allowed, "Method not allowed.").with_header("Allow", allow);
  }
  const function_def& f = *route.function;
  const identity who = resolve_identity(svc.identity_view, from);
  const bool form = is_form(from.content_type);
  if (from.method != "GET" && from.method != "HEAD") {
    check_csrf(svc.identity_view, from, who, form ? form_csrf_token(body) : std::string());
  }

  boost::json::object args = match.params;
  if (!query.empty()) {
    // Query params coerce exactly like context params.
    std::vector<detail::field_def> rest;
    for (const auto& field : f.fields) {
      if (!args.contains(field.name) && field.kind != detail::scalar_kind::none)
        rest.push_back(field);
    }
    merge(args, params::parse_query(query, specs_of(rest)).params);
  }
  if (!body.empty() && !form) merge(args, parse_arguments(from.content_type, body));

  detail::call_state state = call_state_for(svc.identity_view, from, who);
  call c(state);
  auto result = run_mutation(svc, f, args, c);

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
  finish_mutation(svc, who, state, result, res, effects);
  return res;
}

}  // namespace mizan::server
