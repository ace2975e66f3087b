// The transport-free core: run a function or a whole context for a caller.
// HTTP, the WebSocket and server-side rendering all go through here.
#pragma once

#include "mizan/call.hpp"
#include "params/invalidation.hpp"
#include "server/registry/catalog.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <vector>

namespace mizan::server {

struct call_result {
  std::string result;  ///< JSON text
  std::optional<http_response> view;
  std::vector<params::invalidation_entry> invalidate;
  std::string invalidate_json = "[]";  ///< `invalidate` as a JSON array
  /// Debug mode: what the missed-invalidation check found (X-Mizan-Warning).
  std::vector<std::string> warnings;
};

/// Throws `unauthenticated` or `forbidden` unless `c` may run `f`.
void check_access(const function_def& f, const call& c);

/// Throws `validation` with field messages when `args` break `f`'s rules.
void check_rules(const function_def& f, const boost::json::object& args);

/// Runs `f` with `args` for `c`: access, rules, decoding, the function, then
/// the invalidation entries its `affects` name. Throws `mizan::error`.
call_result run_function(const catalog& cat, const function_def& f, const boost::json::object& args,
                         call& c);

/// Runs every function of `ctx` with the params each declares and bundles the
/// results as the JSON text `{"<function>": <result>, ...}`. Access is checked
/// for every function before any runs. Throws `mizan::error`.
std::string run_context(const context_def& ctx, const boost::json::object& params, call& c);

}  // namespace mizan::server
