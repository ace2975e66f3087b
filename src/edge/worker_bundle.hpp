// A Cloudflare Worker in front of a Mizan origin (docs/edge.md): the module,
// with the edge policy embedded, and a workerd config that runs it locally.
#pragma once

#include "edge/edge_rules.hpp"

#include <string>
#include <string_view>

namespace mizan::edge {

/// Where the Worker listens and what it forwards to, for workerd.
struct worker_options {
  std::string origin = "127.0.0.1:8000";      ///< host:port of the origin (plain HTTP)
  std::string listen = "127.0.0.1:8787";      ///< workerd's socket
  std::string purge_path = "/__mizan/purge";  ///< where the origin POSTs purges by tag
};

/// The Worker module (`worker.js`): a do-not-edit banner, the policy as
/// `const MIZAN = {...};` (JSON: prefix, mwt_cookie, purge_path, contexts with
/// name, path, ttl, private, rev, cacheable, canonical_query), then the
/// template src/edge/worker/worker.js.
/// Throws std::invalid_argument when options.purge_path is not a plain path.
std::string worker_module(const edge_rules& rules, const worker_options& options);

/// A workerd config (capnp text) serving `worker.js` from its own directory
/// on options.listen. The Worker's fetches go to options.origin (its
/// globalOutbound, an external plain-HTTP server). Bindings: MIZAN_MWT_SECRET
/// and MIZAN_PURGE_TOKEN from the environment variables MIZAN_MWT_SECRET and
/// MIZAN_EDGE_PURGE_TOKEN, MIZAN_EDGE_STORE the text "memory".
/// Throws std::invalid_argument when listen or origin is not a host:port.
std::string workerd_config(const worker_options& options);

namespace detail {
/// src/edge/worker/worker.js, embedded at build time (src/edge/CMakeLists.txt).
extern const std::string_view worker_template;
}  // namespace detail

}  // namespace mizan::edge
