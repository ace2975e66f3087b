// Strict JSON input and script-safe JSON output, guarding Boost.JSON 1.81's
// lenient defaults (see the project's TRAPS notes on Boost.JSON).
#pragma once

#include <boost/json/storage_ptr.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mizan::json {

/// Largest integer magnitude a JavaScript number holds exactly: 2^53 - 1.
inline constexpr std::int64_t max_safe_integer = 9'007'199'254'740'991;

/// Bounds applied by parse_strict.
struct limits {
  /// Deepest nesting of arrays and objects accepted. Capped at 1,000 whatever
  /// is asked, because the underlying parser recurses once per level.
  std::size_t max_depth = 64;
};

/// Either a parsed value or the reason the text was refused.
struct parse_result {
  /// The document; null when parsing failed.
  boost::json::value value;
  /// Empty on success, otherwise a short English reason with a byte offset.
  /// It never quotes the input, so it is safe to return to a client.
  std::string error;

  bool ok() const noexcept { return error.empty(); }
  explicit operator bool() const noexcept { return ok(); }
};

/// Parses one JSON document, refusing what Boost.JSON would silently accept.
///
/// Refused: duplicate keys in any object, non-finite numbers (`1e400`),
/// integer literals whose magnitude exceeds max_safe_integer, nesting deeper
/// than `lim.max_depth`, invalid UTF-8 (lone surrogate escapes included),
/// comments, trailing commas and anything after the document but whitespace.
/// Integers are kept as int64; numbers with a fraction or exponent as double,
/// correctly rounded as JSON.parse reads them (an underflow is a signed zero).
///
/// @param text the whole document.
/// @param lim bounds; the defaults suit request bodies and tokens.
/// @param sp memory resource for the resulting value (e.g. a
///   boost::json::monotonic_resource over a stack buffer on hot paths).
/// @returns the value, or an error message; never throws for bad input
///   (only std::bad_alloc when memory runs out).
/// Thread-safety: reentrant.
/// Example: `if (auto r = parse_strict(body); r) use(r.value); else reply_400(r.error);`
parse_result parse_strict(std::string_view text, const limits& lim = {},
                          boost::json::storage_ptr sp = {});

/// Serializes `v` for inlining in an HTML `<script>` element.
///
/// Same as boost::json::serialize except that `<`, `>`, `&`, U+2028 and
/// U+2029 are written `\u003C`, `\u003E`, `\u0026`, `\u2028`, `\u2029`, so the
/// text can neither close the element nor break a JavaScript string literal.
///
/// @throws std::invalid_argument if `v` holds a non-finite number, which has
///   no JSON spelling (Boost.JSON would write `Infinity` or `NaN`).
/// Thread-safety: reentrant.
std::string serialize_safe_for_script(const boost::json::value& v);

}  // namespace mizan::json
