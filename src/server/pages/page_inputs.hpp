// What a page request asks for: each context's params (from the route, the
// query and the page's defaults), looked up as `GET ctx/` would, and the
// keys the client seeds its cache with.
#pragma once

#include "server/app/services.hpp"
#include "server/endpoints/endpoints.hpp"
#include "server/pages/page_catalog.hpp"

#include <boost/json/object.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace mizan::server {

struct page_inputs {
  /// One per context of the page, in its order.
  std::vector<context_lookup> lookups;
  /// `context` or `context?canonical-params`: the kernel's cache keys.
  std::vector<std::string> ssr_keys;
  /// Every param the contexts take, merged: what the renderer gets.
  boost::json::object params;
  /// canonical_params(params): part of a cached page's key.
  std::string canonical;
};

/// Resolves the params of `match` with the request's `query` (the text after
/// `?`). Query keys that no context of the page declares are ignored, so
/// that links with tracking params still work (and do not multiply cached
/// pages); a declared key with a bad value, or repeated, is `bad_request`.
/// CPU only: fine on a network thread.
page_inputs resolve_page_inputs(const services& svc, const page_match& match,
                                std::string_view query);

}  // namespace mizan::server
