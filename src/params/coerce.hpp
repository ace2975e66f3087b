// The scalar grammars of PROTOCOL.md §2, shared by query parsing and by the
// JSON form of invalidation entries.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace mizan::params::detail {

/// `-?(0|[1-9][0-9]*)` within int64, with `-0` refused (JavaScript has no
/// integer spelled so). No bounds beyond int64: callers apply theirs.
std::optional<std::int64_t> parse_integer(std::string_view text) noexcept;

/// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, correctly rounded; too
/// large for a double is nullopt, too small becomes ±0 as `Number()` makes it.
std::optional<double> parse_number(std::string_view text) noexcept;

}  // namespace mizan::params::detail
