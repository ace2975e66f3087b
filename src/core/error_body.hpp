// The protocol's error envelope (PROTOCOL.md §3), written in one place for
// every layer: the HTTP server's own refusals and the application's errors.
#pragma once

#include "mizan/error.hpp"

#include <string>
#include <string_view>

namespace mizan::core {

/// What a client is told of an unexpected failure; the cause goes to the log.
inline constexpr std::string_view internal_error_message = "Internal server error.";

/// Appends `{"error":{"code":...,"message":...[,"fields":{...}]}}` to `out`;
/// `fields` is written only when it has entries.
void append_error_body(std::string& out, std::string_view code, std::string_view message,
                       const field_errors& fields = {});

/// The envelope of `e`.
std::string error_body(const error& e);

}  // namespace mizan::core
