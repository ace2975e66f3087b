// POST {prefix}/call/{function}/ (PROTOCOL.md §3).
#include "server/dispatch/call_state.hpp"
#include "server/dispatch/dispatch.hpp"
#include "server/endpoints/endpoints.hpp"
#include "server/endpoints/mutation_answer.hpp"
#include "server/endpoints/request_body.hpp"
#include "server/endpoints/responses.hpp"
#include "server/identity/identity.hpp"
#include "server/identity/session_effects.hpp"

#include <boost/json/serialize.hpp>

namespace mizan::server {

http::response call_endpoint(services& svc, const caller& from, const function_def* f,
                             std::string_view body, mutation_effects& effects) {
  if (!f || f->returns_view) throw error(errc::not_found, "Unknown function.");
  if (from.method != "POST") {
    throw error(errc::method_not_allowed, "Use POST.").with_header("Allow", "POST");
  }
  const identity who = resolve_identity(svc.identity_view, from);
  if (!f->csrf_exempt) check_csrf(svc.identity_view, from, who);
  const auto args = parse_arguments(from.content_type, body);

  detail::call_state state = call_state_for(svc.identity_view, from, who);
  call c(state);
  auto result = run_mutation(svc, *f, args, c);

  http::response res = json_response(200, result_body(result));
  finish_mutation(svc, who, state, result, res, effects);
  return res;
}

}  // namespace mizan::server
