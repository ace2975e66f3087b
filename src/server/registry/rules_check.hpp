// Server-side enforcement of `mizan::rules`. The messages are part of the
// schema contract: the generated TypeScript forms produce the same text.
#pragma once

#include "mizan/detail/function_def.hpp"
#include "mizan/error.hpp"

#include <boost/json/value.hpp>

namespace mizan::server {

/// Adds the messages for `value` (null when absent) breaking `field`'s rules.
void check_field_rules(const detail::field_def& field, const boost::json::value* value,
                       field_errors& errors);

/// Length in Unicode code points, as the browser counts `[...text].length`.
std::size_t code_point_length(std::string_view utf8) noexcept;

}  // namespace mizan::server
