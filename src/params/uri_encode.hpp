// Percent-encoding as ECMAScript's encodeURIComponent does it, and strict decoding.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mizan::params {

/// Appends `utf8` percent-encoded exactly as ECMAScript `encodeURIComponent` does.
///
/// `A-Z a-z 0-9 - _ . ! ~ * ' ( )` are kept; every other byte becomes `%XX`
/// with upper-case hex, so UTF-8 text gives the same result as in JavaScript
/// (`"a b"` -> `a%20b`, `"é"` -> `%C3%A9`). The input should be valid UTF-8
/// (JavaScript cannot express anything else); invalid bytes are still encoded
/// one by one. Thread-safe.
void append_uri_component(std::string& out, std::string_view utf8);

/// `append_uri_component` into a new string.
std::string encode_uri_component(std::string_view utf8);

/// Appends the percent-decoded `text` to `out`; `+` becomes a space when
/// `plus_is_space` (query strings, as URLSearchParams does).
///
/// Returns false, leaving `out` partly written, when a `%` is not followed by
/// two hex digits. The result is raw bytes: check UTF-8 separately.
bool append_percent_decoded(std::string& out, std::string_view text, bool plus_is_space);

/// Strict percent-decoding: nullopt for a `%` not followed by two hex digits.
/// Example: `percent_decode("a%20b+c", true) == "a b c"`.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

}  // namespace mizan::params
