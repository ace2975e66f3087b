// Describes C++ types for the schema (PROTOCOL.md §8) from Boost.Describe, so
// one description feeds JSON, validation, the schema and TypeScript.
#pragma once

#include "mizan/detail/traits.hpp"

#include <boost/describe.hpp>
#include <boost/json/value.hpp>
#include <boost/mp11/algorithm.hpp>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <typeinfo>

namespace mizan::detail {

/// Named types collected while describing: name -> description.
class type_table {
 public:
  /// True when `name` is new; throws std::logic_error when another C++ type
  /// already took that name (two namespaces with one struct name).
  bool reserve(const std::string& name, const std::type_info& type);
  void define(const std::string& name, boost::json::value description);
  const boost::json::object& types() const { return types_; }

 private:
  boost::json::object types_;
  boost::json::object owners_;
};

/// The unqualified name of a described type, e.g. "todo" for app::todo.
std::string short_type_name(const std::type_info& type);

boost::json::value scalar_description(std::string_view kind);
boost::json::value wrapper_description(std::string_view kind, boost::json::value of);
boost::json::value integer_description(std::int64_t min, std::int64_t max);

template <class T>
boost::json::value describe_type(type_table& table);

template <class T>
boost::json::value describe_struct(type_table& table) {
  const std::string name = short_type_name(typeid(T));
  if (table.reserve(name, typeid(T))) {
    boost::json::array fields;
    using members = boost::describe::describe_members<T, boost::describe::mod_public>;
    boost::mp11::mp_for_each<members>([&](auto member) {
      using field_type = std::remove_cvref_t<decltype(std::declval<T&>().*member.pointer)>;
      fields.push_back(
          boost::json::object{{"name", member.name}, {"type", describe_type<field_type>(table)}});
    });
    table.define(name, boost::json::object{{"kind", "struct"}, {"fields", std::move(fields)}});
  }
  return boost::json::object{{"kind", "ref"}, {"name", name}};
}

template <class T>
boost::json::value describe_enum(type_table& table) {
  const std::string name = short_type_name(typeid(T));
  if (table.reserve(name, typeid(T))) {
    boost::json::array values;
    boost::mp11::mp_for_each<boost::describe::describe_enumerators<T>>(
        [&](auto e) { values.push_back(boost::json::string(e.name)); });
    table.define(name, boost::json::object{{"kind", "enum"}, {"values", std::move(values)}});
  }
  return boost::json::object{{"kind", "ref"}, {"name", name}};
}

template <class T>
boost::json::value describe_type(type_table& table) {
  if constexpr (std::is_void_v<T>) {
    return scalar_description("null");
  } else if constexpr (std::is_same_v<T, bool>) {
    return scalar_description("boolean");
  } else if constexpr (std::is_integral_v<T>) {
    // JavaScript represents integers exactly up to 2^53 - 1.
    constexpr std::int64_t js_max = (std::int64_t{1} << 53) - 1;
    constexpr auto lo = std::numeric_limits<T>::min();
    constexpr auto hi = std::numeric_limits<T>::max();
    return integer_description(
        std::is_signed_v<T> && lo < -js_max ? -js_max : std::int64_t(lo),
        static_cast<std::uint64_t>(hi) > std::uint64_t(js_max) ? js_max : std::int64_t(hi));
  } else if constexpr (std::is_floating_point_v<T>) {
    return scalar_description("number");
  } else if constexpr (std::is_same_v<T, std::string>) {
    return scalar_description("string");
  } else if constexpr (std::is_same_v<T, boost::json::value>) {
    return scalar_description("json");
  } else if constexpr (is_optional<T>::value) {
    return wrapper_description("optional", describe_type<typename T::value_type>(table));
  } else if constexpr (is_vector<T>::value) {
    return wrapper_description("array", describe_type<typename T::value_type>(table));
  } else if constexpr (is_string_map<T>::value) {
    return wrapper_description("map", describe_type<typename T::mapped_type>(table));
  } else if constexpr (boost::describe::has_describe_enumerators<T>::value) {
    return describe_enum<T>(table);
  } else if constexpr (boost::describe::has_describe_members<T>::value) {
    return describe_struct<T>(table);
  } else {
    static_assert(dependent_false<T>,
                  "mizan: this type has no description; add BOOST_DESCRIBE_STRUCT or "
                  "BOOST_DESCRIBE_ENUM for it, or use a supported standard type");
    return {};
  }
}

}  // namespace mizan::detail
