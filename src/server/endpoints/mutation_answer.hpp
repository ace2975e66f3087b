// The ending that the call endpoint and the view path share.
#pragma once

#include "http/message.hpp"
#include "server/app/services.hpp"
#include "server/dispatch/call_state.hpp"
#include "server/dispatch/dispatch.hpp"
#include "server/identity/identity.hpp"

namespace mizan::server {

/// run_function for a call that may write (a mutation, a view route): in
/// debug mode on SQLite, also observes the tables it touches and puts what
/// the missed-invalidation check says in `warnings` of the result.
call_result run_mutation(services& svc, const function_def& f, const boost::json::object& args,
                         call& c);

/// Finishes the answer `res` to a mutation by `who`: `Cache-Control:
/// no-store`, the sign-in or sign-out the function asked for (`state`), and
/// what it made stale handed to `effects` (taken from `result`), and one
/// `X-Mizan-Warning` per warning of `result`.
void finish_mutation(services& svc, const identity& who, const detail::call_state& state,
                     call_result& result, http::response& res, mutation_effects& effects);

}  // namespace mizan::server
