// Who is calling: a bearer JWT, a session cookie, or nobody.
#pragma once

#include "mizan/user.hpp"
#include "server/call_state.hpp"
#include "server/caller.hpp"
#include "server/services.hpp"

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
identity resolve_identity(services& svc, const caller& from);

/// The state of a call made by `who`, as `from` describes it.
detail::call_state call_state_for(services& svc, const caller& from, const identity& who);

/// False when the caller sent `Authorization: Bearer` with a token that does
/// not verify as an access token. CPU only: fine on a network thread.
bool bearer_token_acceptable(const services& svc, const caller& from);

std::int64_t unix_now();

}  // namespace mizan::server
