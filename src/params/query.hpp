// Reading a context request's query string into typed, canonical params.
#pragma once

#include "params/canonical.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace mizan::params {

/// The largest integer JavaScript represents exactly, 2^53 - 1.
inline constexpr std::int64_t max_safe_integer = (std::int64_t{1} << 53) - 1;

/// One param a context's functions declare.
struct param_spec {
  std::string name;
  param_type type = param_type::string;
  /// Inclusive bounds of an integer param, kept within ±max_safe_integer
  /// whatever is declared, so that every accepted value has exactly one
  /// canonical spelling in C++ and in JavaScript.
  std::int64_t min = -max_safe_integer;
  std::int64_t max = max_safe_integer;
};

/// A query string after coercion.
struct parsed_query {
  /// Coerced values (string, int64, double or bool), keys in UTF-8 byte order.
  boost::json::object params;
  /// `canonical_params(params)`, e.g. `done=true&id=5&q=a%20b`.
  std::string canonical;
};

/// Parses `query` (the text after `?`, possibly empty) against `schema`.
///
/// Pairs are `&`-separated; empty pairs are skipped; a pair without `=` has an
/// empty value; `+` decodes to a space, as URLSearchParams and Django do.
/// Values are coerced to the declared type (PROTOCOL.md §2): integer is `-?`
/// then digits without leading zeros (`-0` refused) within the spec's bounds;
/// number is a finite JSON-style decimal (`1e-400` underflows to 0 as in
/// JavaScript); boolean is exactly `true` or `false`; string is any valid
/// UTF-8, and only a string may be empty.
/// Throws `mizan::error(errc::bad_request)`, naming the key where it is known
/// to be valid text, for an undeclared key, a repeated key, a malformed percent
/// escape, invalid UTF-8, or a bad value.
/// Precondition: names in `schema` are distinct. Thread-safe.
/// Example: `parse_query("id=5&q=a+b", specs).canonical == "id=5&q=a%20b"`.
parsed_query parse_query(std::string_view query, std::span<const param_spec> schema);

}  // namespace mizan::params
