// POST {prefix}/call/{function}/ and GET {prefix}/session/ (PROTOCOL.md §3).
#include "core/json_strict.hpp"
#include "server/call_state.hpp"
#include "server/dispatch.hpp"
#include "server/endpoints.hpp"
#include "server/identity.hpp"
#include "server/responses.hpp"
#include "server/session_effects.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>

namespace mizan::server {

bool is_json_content_type(const http::request& req) {
  const auto* type = req.find("Content-Type");
  if (!type) return false;
  std::string_view t = *type;
  t = t.substr(0, t.find(';'));
  while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
  return http::iequals(t, "application/json");
}

boost::json::object parse_arguments(const http::request& req) {
  if (req.body.empty()) return {};
  if (!is_json_content_type(req)) {
    throw error(errc::unsupported_media_type, "Send arguments as application/json.");
  }
  auto parsed = json::parse_strict(req.body);
  if (!parsed) throw error(errc::bad_request, "Malformed JSON: " + parsed.error);
  if (!parsed.value.is_object()) throw error(errc::bad_request, "Arguments must be a JSON object.");
  return std::move(parsed.value.get_object());
}

boost::json::array invalidate_json(const std::vector<params::invalidation_entry>& entries) {
  boost::json::array out;
  out.reserve(entries.size());
  for (const auto& e : entries) out.push_back(params::to_json(e));
  return out;
}

http::response call_endpoint(services& svc, const http::request& req, std::string_view name) {
  const auto* f = svc.cat.function(name);
  if (!f || f->returns_view) throw error(errc::not_found, "Unknown function.");
  if (req.method != "POST") {
    throw error(errc::method_not_allowed, "Use POST.").with_header("Allow", "POST");
  }
  const identity who = resolve_identity(svc, req);
  if (!f->csrf_exempt) check_csrf(svc, req, who);
  const auto args = parse_arguments(req);

  detail::call_state state = call_state_for(svc, req, who);
  call c(state);
  auto result = run_function(svc.cat, *f, args, c);
  svc.invalidate(result.invalidate, who.user ? std::optional(who.user->id) : std::nullopt);

  http::response res =
      json_response(200, boost::json::object{{"result", std::move(result.result)},
                                             {"invalidate", invalidate_json(result.invalidate)}});
  add_header(res, "Cache-Control", "no-store");
  apply_session_change(svc, who, state, res);
  return res;
}

http::response session_endpoint(services& svc, const http::request& req) {
  if (req.method != "GET" && req.method != "HEAD") {
    throw error(errc::method_not_allowed, "Use GET.").with_header("Allow", "GET");
  }
  const identity who = resolve_identity(svc, req);
  bool fresh = false;
  const std::string token =
      who.session ? who.session->csrf_token : anonymous_csrf_token(svc, req, fresh);
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
