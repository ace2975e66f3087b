// The ending that the call endpoint and the view path share.
#pragma once

#include "http/message.hpp"
#include "server/app/services.hpp"
#include "server/dispatch/call_state.hpp"
#include "server/dispatch/dispatch.hpp"
#include "server/identity/identity.hpp"

namespace mizan::server {

/// Finishes the answer `res` to a mutation by `who`: `Cache-Control:
/// no-store`, the sign-in or sign-out the function asked for (`state`), and
/// what it made stale handed to `effects` (taken from `result`).
void finish_mutation(services& svc, const identity& who, const detail::call_state& state,
                     call_result& result, http::response& res, mutation_effects& effects);

}  // namespace mizan::server
