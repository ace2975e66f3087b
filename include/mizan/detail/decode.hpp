// Strict decoding of JSON arguments into described C++ types: wrong types are
// a 400 `bad_request`, missing required fields a 422 `validation`, unknown keys
// a 400 (so that nobody can pass what the function does not read).
#pragma once

#include "mizan/detail/traits.hpp"
#include "mizan/error.hpp"

#include <boost/describe.hpp>
#include <boost/json/value.hpp>
#include <boost/mp11/algorithm.hpp>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace mizan::detail {

/// Where decoding is, and what was missing so far.
struct decode_state {
  std::string path;      // "title", "items[2].name"
  field_errors missing;  // required fields that were absent
};

[[noreturn]] void throw_wrong_type(const decode_state& s, std::string_view expected);
[[noreturn]] void throw_unknown_key(const decode_state& s, std::string_view key);
void note_missing(decode_state& s);
bool decode_integer(const boost::json::value& v, std::int64_t min, std::uint64_t max,
                    std::int64_t& out_signed, std::uint64_t& out_unsigned);

template <class T>
void decode_value(const boost::json::value& v, T& out, decode_state& s);

/// Appends `.name` or `[i]` to the path for the duration of a scope.
class path_guard {
 public:
  path_guard(decode_state& s, std::string_view name) : s_(s), size_(s.path.size()) {
    if (!s.path.empty()) s.path += '.';
    s.path += name;
  }
  path_guard(decode_state& s, std::size_t index) : s_(s), size_(s.path.size()) {
    s.path += '[';
    s.path += std::to_string(index);
    s.path += ']';
  }
  ~path_guard() { s_.path.resize(size_); }
  path_guard(const path_guard&) = delete;
  path_guard& operator=(const path_guard&) = delete;

 private:
  decode_state& s_;
  std::size_t size_;
};

template <class T>
void decode_members(const boost::json::object& object, T& out, decode_state& s) {
  using members = boost::describe::describe_members<T, boost::describe::mod_public>;
  boost::mp11::mp_for_each<members>([&](auto member) {
    auto& field = out.*member.pointer;
    using field_type = std::remove_cvref_t<decltype(field)>;
    path_guard guard(s, member.name);
    const auto* found = object.if_contains(member.name);
    if (!found || (found->is_null() && !is_optional<field_type>::value)) {
      if constexpr (!is_optional<field_type>::value) note_missing(s);
      return;
    }
    decode_value(*found, field, s);
  });
  for (const auto& kv : object) {
    bool known = false;
    boost::mp11::mp_for_each<members>(
        [&](auto member) { known = known || kv.key() == member.name; });
    if (!known) throw_unknown_key(s, kv.key());
  }
}

template <class T>
void decode_value(const boost::json::value& v, T& out, decode_state& s) {
  if constexpr (std::is_same_v<T, bool>) {
    if (!v.is_bool()) throw_wrong_type(s, "a boolean");
    out = v.get_bool();
  } else if constexpr (std::is_integral_v<T>) {
    constexpr std::int64_t js_max = (std::int64_t{1} << 53) - 1;
    constexpr std::int64_t lo =
        std::is_signed_v<T> ? std::max<std::int64_t>(std::numeric_limits<T>::min(), -js_max) : 0;
    constexpr std::uint64_t hi =
        std::min<std::uint64_t>(std::numeric_limits<T>::max(), std::uint64_t(js_max));
    std::int64_t sv = 0;
    std::uint64_t uv = 0;
    if (!decode_integer(v, lo, hi, sv, uv)) throw_wrong_type(s, "an integer in range");
    out = std::is_signed_v<T> ? static_cast<T>(sv) : static_cast<T>(uv);
  } else if constexpr (std::is_floating_point_v<T>) {
    if (!v.is_number()) throw_wrong_type(s, "a number");
    out = static_cast<T>(v.to_number<double>());
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (!v.is_string()) throw_wrong_type(s, "a string");
    out.assign(v.get_string().data(), v.get_string().size());
  } else if constexpr (std::is_same_v<T, boost::json::value>) {
    out = v;
  } else if constexpr (is_optional<T>::value) {
    if (v.is_null()) {
      out.reset();
    } else {
      decode_value(v, out.emplace(), s);
    }
  } else if constexpr (is_vector<T>::value) {
    if (!v.is_array()) throw_wrong_type(s, "an array");
    const auto& array = v.get_array();
    out.clear();
    out.resize(array.size());
    for (std::size_t i = 0; i < array.size(); ++i) {
      path_guard guard(s, i);
      decode_value(array[i], out[i], s);
    }
  } else if constexpr (is_string_map<T>::value) {
    if (!v.is_object()) throw_wrong_type(s, "an object");
    out.clear();
    for (const auto& kv : v.get_object()) {
      path_guard guard(s, kv.key());
      decode_value(kv.value(), out[std::string(kv.key())], s);
    }
  } else if constexpr (boost::describe::has_describe_enumerators<T>::value) {
    if (!v.is_string()) throw_wrong_type(s, "one of the allowed values");
    const auto& text = v.get_string();
    if (!boost::describe::enum_from_string(std::string(text).c_str(), out)) {
      throw_wrong_type(s, "one of the allowed values");
    }
  } else if constexpr (boost::describe::has_describe_members<T>::value) {
    if (!v.is_object()) throw_wrong_type(s, "an object");
    decode_members(v.get_object(), out, s);
  } else {
    static_assert(dependent_false<T>,
                  "mizan: this argument type has no description; add BOOST_DESCRIBE_STRUCT");
  }
}

/// Decodes a call's arguments object into `Args`; throws `mizan::error`.
template <class Args>
Args decode_arguments(const boost::json::object& object) {
  Args args{};
  decode_state s;
  decode_members(object, args, s);
  if (!s.missing.empty()) {
    throw error(errc::validation, "Some fields are missing.", std::move(s.missing));
  }
  return args;
}

}  // namespace mizan::detail
