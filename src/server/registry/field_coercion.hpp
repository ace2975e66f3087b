// Typed route segments and context params use the one coercion of
// src/params (PROTOCOL.md §2), so a value means the same everywhere.
#pragma once

#include "mizan/detail/function_def.hpp"
#include "params/query.hpp"

#include <boost/json/value.hpp>

#include <optional>
#include <string_view>
#include <vector>

namespace mizan::server {

params::param_spec spec_of(const detail::field_def& field);
std::vector<params::param_spec> specs_of(const std::vector<detail::field_def>& fields);

/// The value of a percent-encoded path segment for `field`, or nullopt when
/// it does not coerce (the route then does not match).
std::optional<boost::json::value> coerce_path_segment(const detail::field_def& field,
                                                      std::string_view raw);

}  // namespace mizan::server
