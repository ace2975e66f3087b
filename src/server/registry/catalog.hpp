// The registry checked and indexed for serving: contexts with their merged
// params, routes, and fast lookups by name. Built once at start-up.
#pragma once

#include "mizan/registry.hpp"
#include "params/query.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mizan::server {

using detail::field_def;
using detail::function_def;

struct context_def {
  std::string name;
  std::vector<const function_def*> functions;  // sorted by name
  std::vector<field_def> params;               // union of the functions' fields, sorted by name
  std::vector<params::param_spec> specs;       // the same, for parsing query strings
  bool is_private = false;
  std::optional<std::int64_t> ttl_seconds;  // set only when every function has `cache`
  std::int64_t rev = 0;
  bool needs_user = false;  // some function requires more than `auth none`
};

struct route_segment {
  std::string literal;  // when `param` is empty
  std::string param;
  detail::scalar_kind kind = detail::scalar_kind::none;
};

struct route_def {
  const function_def* function = nullptr;
  std::string pattern;
  std::vector<route_segment> segments;
  std::vector<std::string> methods;
};

/// A matched route: the function and its path params as JSON.
struct route_match {
  const route_def* route = nullptr;
  boost::json::object params;
  bool method_allowed = false;
};

class catalog {
 public:
  /// Checks every registration; throws std::invalid_argument naming the
  /// function when an option is inconsistent (PROTOCOL.md §1).
  catalog(const registry& reg, std::string_view api_prefix);
  /// The catalog points into the registry's functions: a temporary would
  /// leave it dangling.
  catalog(const registry&& reg, std::string_view api_prefix) = delete;

  const function_def* function(std::string_view name) const;
  const context_def* context(std::string_view name) const;
  const std::map<std::string, context_def, std::less<>>& contexts() const { return contexts_; }
  const std::vector<route_def>& routes() const { return routes_; }
  const std::vector<std::string>& private_contexts() const { return private_contexts_; }
  /// A registered channel; null when none has that name.
  const detail::channel_def* channel(std::string_view name) const;
  const std::map<std::string, const detail::channel_def*, std::less<>>& channels() const {
    return channels_;
  }
  const registry& functions() const { return *registry_; }
  const std::string& api_prefix() const { return api_prefix_; }

  /// Finds the route for `path`; nullopt when none matches (a typed segment
  /// that does not coerce does not match). A path served only for other
  /// methods comes back with `method_allowed` false.
  std::optional<route_match> match(std::string_view path, std::string_view method) const;

 private:
  void check_function(const function_def& f) const;
  void build_contexts();
  void build_routes(std::string_view api_prefix);

  const registry* registry_;
  std::string api_prefix_;
  std::map<std::string, const function_def*, std::less<>> functions_;
  std::map<std::string, context_def, std::less<>> contexts_;
  std::vector<route_def> routes_;
  std::vector<std::string> private_contexts_;
  std::map<std::string, const detail::channel_def*, std::less<>> channels_;
};

/// Parses "/todos/{id:int}/export.csv"; throws std::invalid_argument.
std::vector<route_segment> parse_route_pattern(std::string_view pattern);
std::string_view kind_name(detail::scalar_kind kind);

}  // namespace mizan::server
