// The protocol's endpoints (PROTOCOL.md §3, §4) as functions: the caller its
// transport built, the parsed input, the services they use in, a response
// and what a mutation made stale out. No socket, thread or responder: the
// transport (app_handler for HTTP) decides where each runs and where the
// answer goes. Each may block (database, session store): worker threads only,
// unless its name says otherwise. Refusals are thrown as `mizan::error`.
#pragma once

#include "http/message.hpp"
#include "params/query.hpp"

#include <boost/json/object.hpp>
#include "server/app/services.hpp"
#include "server/dispatch/caller.hpp"
#include "server/registry/catalog.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace mizan::server {

/// GET {prefix}/session/
http::response session_endpoint(services& svc, const caller& from);

/// POST {prefix}/call/{function}/ for `f`, as the catalog found it (null:
/// unknown), with the request's `body`. What the call made stale goes to
/// `effects`, for the transport to apply once the call's writes are committed.
http::response call_endpoint(services& svc, const caller& from, const function_def* f,
                             std::string_view body, mutation_effects& effects);

/// {"op":"call"} over a WebSocket for `f` (null: unknown) with `args`: as
/// call_endpoint, but a function without `.websocket()` is `forbidden`, and
/// so is one that changes who is signed in (a socket cannot set cookies).
/// The answer's body is `{"result":...,"invalidate":[...]}`.
http::response socket_call_endpoint(services& svc, const caller& from, const function_def* f,
                                    const boost::json::object& args, mutation_effects& effects);

/// A route of a function with `route` (the view path), with the request's
/// `query` (the text after `?`) and `body`; `effects` as above.
http::response view_endpoint(services& svc, const caller& from, const route_match& match,
                             std::string_view query, std::string_view body,
                             mutation_effects& effects);

/// A file below the static directory, with the SPA fallback to index.html.
/// HTTP only: it reads the request's path and conditional headers.
http::response static_endpoint(const settings& cfg, const http::request& req);

/// A context request's params, parsed once (on the network thread), and its
/// cache key once known: public contexts have theirs computed there too.
struct context_lookup {
  params::parsed_query parsed;
  std::string key;  ///< empty until computed
};

/// The single-flight key of a cache key: requests that arrive after a purge
/// (a new ticket) do not join a computation that began before it.
std::string flight_key(std::string_view key, const cache::fill_ticket& ticket);

/// Parses the query of a request for `ctx`. CPU only: fine on a network
/// thread. Throws `bad_request` (PROTOCOL.md §2).
context_lookup lookup_context(const services& svc, const context_def& ctx, std::string_view query);

/// On the network thread: the answer to a public, cached context from the
/// local cache, without blocking; nothing when the request must go to a
/// worker (then `lookup` carries the key, so the worker does not compute it
/// again). `if_none_match` is the request's If-None-Match header.
std::optional<http::response> context_fast_path(services& svc, const context_def& ctx,
                                                context_lookup& lookup,
                                                std::string_view if_none_match);

/// Where an answer goes when it comes later.
using reply = std::function<void(http::response)>;

/// GET {prefix}/ctx/{context}/ on a worker thread, inside one read snapshot.
/// Returns the answer; or nothing when the same cache entry is being
/// computed for another request: then `wait()` is called once to learn where
/// this request's answer goes, and it goes there when that computation ends.
std::optional<http::response> context_endpoint(services& svc, const caller& from,
                                               const context_def& ctx, context_lookup& lookup,
                                               std::string_view if_none_match,
                                               const std::function<reply()>& wait);

}  // namespace mizan::server
