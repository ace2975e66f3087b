// What a mutation made stale, assembled in one place from its declaration:
// the entries that purge caches and match clients, and their JSON form.
#pragma once

#include "mizan/detail/function_def.hpp"
#include "params/invalidation.hpp"

#include <boost/json/object.hpp>

#include <span>
#include <string>
#include <vector>

namespace mizan::server {

struct invalidation_list {
  std::vector<params::invalidation_entry> entries;
  /// The JSON array of `entries` (PROTOCOL.md §3), written from the values
  /// the function gave, not re-read from their canonical text.
  std::string json = "[]";
};

/// The entries of a call of `f`, in this order: the whole contexts its
/// `affects` name, the scoped ones (`scopes`: the params computed by the
/// call, one per scoped affect, in declaration order), then, when `f`
/// changes who is signed in, every context in `private_contexts`. Throws
/// `mizan::error(errc::bad_request)` for a scope value that is not a scalar.
invalidation_list affected_by(const detail::function_def& f,
                              std::span<const boost::json::object> scopes,
                              std::span<const std::string> private_contexts);

}  // namespace mizan::server
