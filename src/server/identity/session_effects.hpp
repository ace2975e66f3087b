// Applying a function's sign-in or sign-out to the browser: rotate the
// session and CSRF token, set or clear the session and MWT cookies.
#pragma once

#include "http/message.hpp"
#include "server/dispatch/call_state.hpp"
#include "server/dispatch/caller.hpp"
#include "server/identity/identity.hpp"
#include "server/identity/identity_services.hpp"

namespace mizan::server {

void apply_session_change(const identity_services& svc, const identity& who,
                          const detail::call_state& state, http::response& res);

/// Checks CSRF for an unsafe request (PROTOCOL.md §3); throws `csrf_failed`.
/// `form_token` is a token sent in a form body instead of the header.
void check_csrf(const identity_services& svc, const caller& from, const identity& who,
                std::string_view form_token = {});

/// The anonymous CSRF token of this browser: its cookie when genuine, or a
/// new one (then `fresh` is set and the caller must set the cookie).
std::string anonymous_csrf_token(const identity_services& svc, const caller& from, bool& fresh);
std::string csrf_cookie(const identity_services& svc, std::string_view token);

}  // namespace mizan::server
