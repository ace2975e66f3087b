// Canonical params (PROTOCOL.md §2): one spelling of a context's params, shared
// by URLs, cache keys and invalidation matching, identical in C++ and TypeScript.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace mizan::params {

/// The declared type of a context param.
enum class param_type { string, integer, number, boolean };

/// The schema spelling of a type: "string", "integer", "number" or "boolean".
std::string_view type_name(param_type type) noexcept;

/// A param value after coercion to its declared type.
using param_value = std::variant<std::string, std::int64_t, double, bool>;

/// The JSON value of a param value (a string, an int64, a double or a bool).
boost::json::value to_json(const param_value& value);

/// One `key=value` of a canonical string: key and value each already encoded
/// as `encodeURIComponent` does, e.g. `{"q", "a%20b"}`.
using canonical_pair = std::pair<std::string, std::string>;

/// The canonical string of a params object, e.g. `done=true&id=5&q=a%20b` for
/// `{"q": "a b", "id": 5, "done": true, "x": null}`.
///
/// Nulls are dropped; keys are sorted by their UTF-8 bytes; numbers are written
/// as JavaScript's `String(n)` writes them (an integer beyond ±2^53 is written
/// as the nearest double, as JavaScript would have received it); key and value
/// are each percent-encoded as by `encodeURIComponent`; pairs joined with `&`.
/// Throws `mizan::error(errc::bad_request)` naming the key for an array or
/// object value, a non-finite number, or a string that is not valid UTF-8.
/// Thread-safe.
std::string canonical_params(const boost::json::object& params);

/// The pairs of `canonical_params(params)`, in the same order, with the same errors.
std::vector<canonical_pair> canonical_pairs(const boost::json::object& params);

/// Appends `params` as a JSON object, written from the values as given, never
/// re-read from canonical text: members in canonical order, nulls dropped,
/// strings as strings, numbers as their canonical text (`5.0` is `5`).
/// Same errors as `canonical_params`.
void append_params_json(std::string& out, const boost::json::object& params);

/// Joins pairs into a canonical string: `key=value` joined with `&`.
std::string join_canonical(std::span<const canonical_pair> pairs);

/// Appends the canonical value text of `value` (before percent-encoding):
/// strings as is, booleans `true`/`false`, numbers as `String(n)` in JavaScript.
void append_value_text(std::string& out, const param_value& value);

}  // namespace mizan::params
