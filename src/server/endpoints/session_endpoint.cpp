// GET {prefix}/session/ (PROTOCOL.md §3): who is signed in, and the CSRF token.
#include "server/endpoints/endpoints.hpp"
#include "server/endpoints/responses.hpp"
#include "server/identity/identity.hpp"
#include "server/identity/session_effects.hpp"

#include <boost/json/value_from.hpp>

namespace mizan::server {

http::response session_endpoint(services& svc, const caller& from) {
  if (from.method != "GET" && from.method != "HEAD") {
    throw error(errc::method_not_allowed, "Use GET.").with_header("Allow", "GET");
  }
  const identity who = resolve_identity(svc.identity_view, from);
  bool fresh = false;
  const std::string token =
      who.session ? who.session->csrf_token : anonymous_csrf_token(svc.identity_view, from, fresh);
  boost::json::value user = nullptr;
  if (who.user) user = boost::json::value_from(*who.user);
  http::response res =
      json_response(200, boost::json::object{{"user", std::move(user)}, {"csrf_token", token}});
  add_header(res, "Cache-Control", "no-store");
  add_header(res, "Vary", "Cookie, Authorization");
  if (fresh || who.session) add_header(res, "Set-Cookie", csrf_cookie(svc.identity_view, token));
  return res;
}

}  // namespace mizan::server
