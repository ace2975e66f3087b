// Type traits shared by the schema describer and the argument decoder.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <vector>

namespace mizan::detail {

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

template <class T>
struct unwrap_optional {
  using type = T;
};
template <class T>
struct unwrap_optional<std::optional<T>> {
  using type = T;
};

template <class T>
struct is_vector : std::false_type {};
template <class T, class A>
struct is_vector<std::vector<T, A>> : std::true_type {};

template <class T>
struct is_string_map : std::false_type {};
template <class V, class C, class A>
struct is_string_map<std::map<std::string, V, C, A>> : std::true_type {};
template <class V, class H, class E, class A>
struct is_string_map<std::unordered_map<std::string, V, H, E, A>> : std::true_type {};

template <class>
inline constexpr bool dependent_false = false;

/// The kinds a context param (query string scalar) may have.
enum class scalar_kind { none, string, integer, number, boolean };

template <class T>
constexpr scalar_kind scalar_kind_of() {
  if constexpr (is_optional<T>::value) {
    return scalar_kind_of<typename T::value_type>();
  } else if constexpr (std::is_same_v<T, bool>) {
    return scalar_kind::boolean;
  } else if constexpr (std::is_integral_v<T>) {
    return scalar_kind::integer;
  } else if constexpr (std::is_floating_point_v<T>) {
    return scalar_kind::number;
  } else if constexpr (std::is_same_v<T, std::string>) {
    return scalar_kind::string;
  } else {
    return scalar_kind::none;
  }
}

}  // namespace mizan::detail
