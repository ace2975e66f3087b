// The one spelling of a 400 that names the offending param.
#pragma once

#include <string_view>

namespace mizan::params::detail {

/// Throws `mizan::error(errc::bad_request, "Param \"<name>\" <problem>")`.
///
/// `name` must be valid UTF-8 (it ends up in a JSON error body); it is cut
/// to 64 bytes at a character boundary so a client cannot make the error huge.
[[noreturn]] void raise_bad_param(std::string_view name, std::string_view problem);

}  // namespace mizan::params::detail
