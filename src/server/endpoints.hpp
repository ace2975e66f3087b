// The protocol's endpoints (PROTOCOL.md §3, §4). Each runs on a worker thread
// unless its name says otherwise, and answers through the responder.
#pragma once

#include "http/server.hpp"
#include "server/catalog.hpp"
#include "server/services.hpp"

#include <string_view>

namespace mizan::server {

/// GET {prefix}/session/
http::response session_endpoint(services& svc, const http::request& req);
/// POST {prefix}/call/{function}/ for `f`, as the catalog found it (null:
/// unknown). What the call made stale goes to `effects`, for the caller to
/// apply once the call's writes are committed.
http::response call_endpoint(services& svc, const http::request& req, const function_def* f,
                             mutation_effects& effects);
/// A route of a function with `route` (the view path); `effects` as above.
http::response view_endpoint(services& svc, const http::request& req, const route_match& match,
                             mutation_effects& effects);
/// A file below the static directory, with the SPA fallback to index.html.
http::response static_endpoint(const settings& cfg, const http::request& req);

/// GET {prefix}/ctx/{context}/ on a worker thread.
void context_endpoint(services& svc, const http::request& req, const context_def& ctx,
                      http::responder& res);
/// On the network thread: answers a public, cached context from the local
/// cache without blocking. False when the request must go to a worker.
bool context_fast_path(services& svc, const http::request& req, const context_def& ctx,
                       http::responder& res);

}  // namespace mizan::server
