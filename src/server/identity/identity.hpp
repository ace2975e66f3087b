// Who is calling: a bearer JWT, a session cookie, or nobody.
#pragma once

#include "auth/jwt.hpp"
#include "mizan/user.hpp"
#include "server/dispatch/call_state.hpp"
#include "server/dispatch/caller.hpp"
#include "server/identity/identity_services.hpp"

#include <optional>
#include <string>

namespace mizan::server {

struct identity {
  std::optional<mizan::user> user;
  bool bearer = false;
  std::string session_id;                 // from the cookie, when it named a live session
  std::optional<session_record> session;  // that session
};

/// Resolves the caller. Blocks (session store, database): worker threads only.
/// Throws `unauthenticated` for a bearer token that is invalid or expired.
identity resolve_identity(const identity_services& svc, const caller& from);

/// The state of a call made by `who`, as `from` describes it.
detail::call_state call_state_for(const identity_services& svc, const caller& from,
                                  const identity& who);

/// Verifies the caller's bearer token, if any, as an access token and keeps
/// its user id in `from`, so that resolve_identity does not verify it again.
/// False when a token was sent and does not verify. CPU only: fine on a
/// network thread.
bool verify_bearer(const auth::jwt_verifier& jwt, caller& from);

std::int64_t unix_now();

/// What names a session outside the session store (the WebSocket hub, the
/// messages instances send each other): a digest of its key, so that the key
/// itself never leaves the store and the cookie. "" for "".
std::string session_tag(std::string_view session_key);

}  // namespace mizan::server
