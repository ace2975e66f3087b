// POST {prefix}/call/{function}/ and GET {prefix}/session/ (PROTOCOL.md §3).
#include "server/call_state.hpp"
#include "server/dispatch.hpp"
#include "server/endpoints.hpp"
#include "server/identity.hpp"
#include "server/request_body.hpp"
#include "server/responses.hpp"
#include "server/session_effects.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>

namespace mizan::server {

http::response call_endpoint(services& svc, const http::request& req, const function_def* f,
                             mutation_effects& effects) {
  if (!f || f->returns_view) throw error(errc::not_found, "Unknown function.");
  if (req.method != "POST") {
    throw error(errc::method_not_allowed, "Use POST.").with_header("Allow", "POST");
  }
  const caller from = caller_of(req);
  const identity who = resolve_identity(svc, from);
  if (!f->csrf_exempt) check_csrf(svc, from, who);
  const auto args = parse_arguments(req);

  detail::call_state state = call_state_for(svc, from, who);
  call c(state);
  auto result = run_function(svc.cat, *f, args, c);

  http::response res = json_response(200, result_body(result));
  add_header(res, "Cache-Control", "no-store");
  apply_session_change(svc, who, state, res);
  effects.invalidate = std::move(result.invalidate);
  if (who.user) effects.user_id = who.user->id;
  return res;
}

http::response session_endpoint(services& svc, const http::request& req) {
  if (req.method != "GET" && req.method != "HEAD") {
    throw error(errc::method_not_allowed, "Use GET.").with_header("Allow", "GET");
  }
  const caller from = caller_of(req);
  const identity who = resolve_identity(svc, from);
  bool fresh = false;
  const std::string token =
      who.session ? who.session->csrf_token : anonymous_csrf_token(svc, from, fresh);
  boost::json::value user = nullptr;
  if (who.user) user = boost::json::value_from(*who.user);
  http::response res =
      json_response(200, boost::json::object{{"user", std::move(user)}, {"csrf_token", token}});
  add_header(res, "Cache-Control", "no-store");
  add_header(res, "Vary", "Cookie, Authorization");
  if (fresh || who.session) add_header(res, "Set-Cookie", csrf_cookie(svc, token));
  return res;
}

}  // namespace mizan::server
