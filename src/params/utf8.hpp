// Strict UTF-8 validation for text that arrives percent-encoded.
#pragma once

#include <string_view>

namespace mizan::params {

/// True when `text` is well-formed UTF-8 (RFC 3629, Unicode §3.9 table 3-7):
/// no overlong forms, no surrogates (U+D800..U+DFFF), nothing above U+10FFFF.
/// Such text is exactly what a JavaScript string without lone surrogates
/// encodes to. Thread-safe, allocation-free.
bool is_valid_utf8(std::string_view text) noexcept;

}  // namespace mizan::params
