// Writes a function's result as JSON text straight from the C++ value, with
// the bytes boost::json::serialize(boost::json::value_from(v)) would give,
// but without building the intermediate DOM: one append per value instead
// of an allocation per object, key and string.
#pragma once

#include "mizan/detail/traits.hpp"

#include <boost/describe/enum_to_string.hpp>
#include <boost/describe/enumerators.hpp>
#include <boost/describe/members.hpp>
#include <boost/json/value.hpp>
#include <boost/mp11/algorithm.hpp>

#include <charconv>
#include <string>
#include <string_view>
#include <type_traits>

namespace mizan::detail {

/// `s` as a JSON string, escaped as Boost.JSON escapes it.
void append_json_string(std::string& out, std::string_view s);
/// `d` as Boost.JSON writes a double.
void append_json_double(std::string& out, double d);
/// A JSON value, serialized by Boost.JSON.
void append_json_value(std::string& out, const boost::json::value& v);

/// `,"name":` for a member named `name`.
std::string member_key(std::string_view name);

template <class T>
void append_json_integer(std::string& out, T n) {
  char buf[24];
  const auto end = std::to_chars(buf, buf + sizeof buf, n).ptr;
  out.append(buf, end);
}

template <class T>
void encode_json(std::string& out, const T& v) {
  if constexpr (std::is_same_v<T, bool>) {
    out += v ? "true" : "false";
  } else if constexpr (std::is_integral_v<T>) {
    if constexpr (std::is_signed_v<T>) {
      append_json_integer(out, static_cast<std::int64_t>(v));
    } else {
      append_json_integer(out, static_cast<std::uint64_t>(v));
    }
  } else if constexpr (std::is_floating_point_v<T>) {
    append_json_double(out, static_cast<double>(v));
  } else if constexpr (std::is_same_v<T, std::string>) {
    append_json_string(out, v);
  } else if constexpr (std::is_same_v<T, boost::json::value>) {
    append_json_value(out, v);
  } else if constexpr (is_optional<T>::value) {
    if (v) {
      encode_json(out, *v);
    } else {
      out += "null";
    }
  } else if constexpr (is_vector<T>::value) {
    out += '[';
    bool first = true;
    for (const auto& item : v) {
      if (!first) out += ',';
      first = false;
      encode_json(out, static_cast<const typename T::value_type&>(item));
    }
    out += ']';
  } else if constexpr (is_string_map<T>::value) {
    out += '{';
    bool first = true;
    for (const auto& [key, item] : v) {
      if (!first) out += ',';
      first = false;
      append_json_string(out, key);
      out += ':';
      encode_json(out, item);
    }
    out += '}';
  } else if constexpr (boost::describe::has_describe_enumerators<T>::value) {
    if (const char* name = boost::describe::enum_to_string(v, nullptr)) {
      append_json_string(out, name);
    } else {
      append_json_integer(out, static_cast<std::underlying_type_t<T>>(v));
    }
  } else if constexpr (boost::describe::has_describe_members<T>::value) {
    using members = boost::describe::describe_members<T, boost::describe::mod_public |
                                                             boost::describe::mod_inherited>;
    out += '{';
    bool first = true;
    boost::mp11::mp_for_each<members>([&](auto member) {
      // `,"name":` once per member and type, then one append per use.
      static const std::string key = member_key(member.name);
      out.append(key, first ? 1 : 0);
      first = false;
      encode_json(out, v.*member.pointer);
    });
    out += '}';
  } else {
    static_assert(dependent_false<T>, "mizan: this result type cannot be written as JSON");
  }
}

}  // namespace mizan::detail
