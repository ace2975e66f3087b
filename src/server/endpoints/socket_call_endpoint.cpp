// {"op":"call"} over the WebSocket (PROTOCOL.md §5): the call endpoint's core
// without what only HTTP has (a method, a CSRF token, cookies to set).
#include "server/dispatch/call_state.hpp"
#include "server/dispatch/dispatch.hpp"
#include "server/endpoints/endpoints.hpp"
#include "server/endpoints/mutation_answer.hpp"
#include "server/endpoints/request_body.hpp"
#include "server/endpoints/responses.hpp"
#include "server/identity/identity.hpp"

namespace mizan::server {

http::response socket_call_endpoint(services& svc, const caller& from, const function_def* f,
                                    const boost::json::object& args, mutation_effects& effects) {
  if (!f || f->returns_view) throw error(errc::not_found, "Unknown function.");
  if (!f->websocket) throw error(errc::forbidden, "This function is not callable over WebSocket.");
  // A socket cannot set the cookies of a new session: sign in and out over HTTP.
  if (f->affects_private_contexts) {
    throw error(errc::forbidden, "This function changes the session: call it over HTTP.");
  }
  // No CSRF token: the handshake's Origin check is what keeps other sites out.
  const identity who = resolve_identity(svc.identity_view, from);
  detail::call_state state = call_state_for(svc.identity_view, from, who);
  call c(state);
  auto result = run_mutation(svc, *f, args, c);
  if (state.change != detail::session_change::none) {
    // Thrown inside the write lane's savepoint: the call's writes roll back.
    throw error(errc::forbidden, "Sign in and out over HTTP, not over the WebSocket.");
  }
  http::response res = json_response(200, result_body(result));
  finish_mutation(svc, who, state, result, res, effects);
  return res;
}

}  // namespace mizan::server
