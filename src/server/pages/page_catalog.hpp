// The registered pages, checked and indexed for serving: each page's route,
// its contexts resolved in the catalog, the params it reads from the query,
// and whether its document may be cached and shared.
#pragma once

#include "mizan/page.hpp"
#include "params/query.hpp"
#include "server/registry/catalog.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <string_view>
#include <vector>

namespace mizan::server {

/// One context of a page, resolved.
struct page_context_def {
  const context_def* context = nullptr;
  boost::json::object defaults;
};

struct page_entry {
  const detail::page_def* def = nullptr;
  std::vector<route_segment> segments;
  std::vector<page_context_def> contexts;
  /// Every param any of its contexts declares: what the query may set.
  std::vector<params::param_spec> query_specs;
  /// The document depends on who asks: a private context, or one that needs a user.
  bool is_private = false;
  /// Cached (public pages whose contexts are all cached): the shortest TTL.
  std::optional<std::int64_t> ttl_seconds;
};

/// A page whose route matched, with its typed route params.
struct page_match {
  const page_entry* page = nullptr;
  boost::json::object route_params;
};

class page_catalog {
 public:
  /// Checks every page of `reg` against `cat`; throws std::invalid_argument
  /// naming the page when a route, context or default is wrong.
  page_catalog(const registry& reg, const catalog& cat);

  /// The page served at `path`; nullopt when none (a typed segment that does
  /// not coerce does not match).
  std::optional<page_match> match(std::string_view path) const;
  const std::vector<page_entry>& pages() const { return pages_; }

 private:
  std::vector<page_entry> pages_;
};

}  // namespace mizan::server
