// Thin templates that bind C++ values as parameters and read result rows into
// described structs or scalars, through the compiled core of statement.hpp.
#pragma once

#include <array>
#include <boost/describe.hpp>
#include <boost/mp11.hpp>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeinfo>

#include "mizan/db/statement.hpp"

namespace mizan::db::detail {

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

template <class T>
inline constexpr bool dependent_false = false;

template <class T>
using members_of = boost::describe::describe_members<T, boost::describe::mod_public |
                                                            boost::describe::mod_inherited>;

/// A struct described with BOOST_DESCRIBE_STRUCT reads by column name.
template <class T>
inline constexpr bool is_row_struct = boost::describe::has_describe_members<T>::value;

template <class L>
struct member_names;
template <template <class...> class L, class... D>
struct member_names<L<D...>> {
  static constexpr std::array<std::string_view, sizeof...(D)> value{std::string_view(D::name)...};
};

// Scalars read one column; only described structs have member names.
template <class T, bool = is_row_struct<T>>
struct row_layout {
  static constexpr std::size_t width = 0;
};
template <class T>
struct row_layout<T, true> {
  using names = member_names<members_of<T>>;
  static constexpr std::size_t width = names::value.size();
};

/// Whether an integer fits in M (bool only holds 0 and 1).
template <class M>
constexpr bool integer_fits(std::int64_t v) noexcept {
  if constexpr (std::is_same_v<M, bool>) {
    return v == 0 || v == 1;
  } else if constexpr (std::is_signed_v<M>) {
    return v >= std::numeric_limits<M>::min() && v <= std::numeric_limits<M>::max();
  } else {
    return v >= 0 && static_cast<std::uint64_t>(v) <= std::numeric_limits<M>::max();
  }
}

/// Binds one parameter; the supported types are listed in connection.hpp.
template <class A>
void bind_value(statement& s, int index, const A& value) {
  if constexpr (is_optional<A>::value) {
    if (value) {
      bind_value(s, index, *value);
    } else {
      s.bind_null(index);
    }
  } else if constexpr (std::is_same_v<A, std::nullptr_t> || std::is_same_v<A, std::nullopt_t>) {
    s.bind_null(index);
  } else if constexpr (std::is_same_v<A, bool>) {
    s.bind_integer(index, value ? 1 : 0);
  } else if constexpr (std::is_integral_v<A>) {
    if constexpr (std::is_unsigned_v<A> && sizeof(A) >= sizeof(std::int64_t)) {
      if (value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        throw_parameter_out_of_range(s, index);
      }
    }
    s.bind_integer(index, static_cast<std::int64_t>(value));
  } else if constexpr (std::is_same_v<A, double> || std::is_same_v<A, float>) {
    s.bind_real(index, static_cast<double>(value));
  } else if constexpr (std::is_convertible_v<const A&, std::string_view>) {
    s.bind_text(index, std::string_view(value));
  } else {
    static_assert(dependent_false<A>,
                  "mizan::db: unsupported parameter type; use bool, an integer, double, "
                  "std::string, std::string_view, std::optional<T> or nullptr");
  }
}

/// Reads one column into `out`; `target` is the struct or scalar being read.
template <class M>
void read_value(const statement& s, int column, M& out, const std::type_info& target) {
  if constexpr (is_optional<M>::value) {
    if (s.column_kind(column) == value_kind::null) {
      out.reset();
    } else {
      read_value(s, column, out.emplace(), target);
    }
  } else if constexpr (std::is_integral_v<M>) {
    const std::int64_t v = read_integer(s, column, typeid(M), target);
    if (!integer_fits<M>(v)) throw_out_of_range(s, column, v, typeid(M), target);
    out = static_cast<M>(v);
  } else if constexpr (std::is_same_v<M, double>) {
    out = read_real(s, column, target);
  } else if constexpr (std::is_same_v<M, std::string>) {
    read_text(s, column, out, target);
  } else if constexpr (std::is_same_v<M, std::string_view>) {
    static_assert(dependent_false<M>,
                  "mizan::db: std::string_view is for parameters only; read into std::string");
  } else {
    static_assert(dependent_false<M>,
                  "mizan::db: unsupported column type; use bool, an integer, double, "
                  "std::string or std::optional<T>, or a struct described with "
                  "BOOST_DESCRIBE_STRUCT");
  }
}

/// Reads the rows of one query into T, matching columns to members once.
///
/// Construct it after the first step(), whatever it returned: SQLite
/// re-prepares a cached statement after a schema change during that step,
/// and only then are the column names (of `select *`, say) the real ones.
template <class T>
class row_reader {
 public:
  explicit row_reader(const statement& s) : s_(s) {
    if constexpr (is_row_struct<T>) {
      map_columns(s, row_layout<T>::names::value, typeid(T), columns_);
    } else {
      if (s.column_count() != 1) throw_not_one_column(s, typeid(T));
    }
  }

  /// The current row.
  T read() const {
    T row{};
    if constexpr (is_row_struct<T>) {
      std::size_t i = 0;
      boost::mp11::mp_for_each<members_of<T>>(
          [&](auto d) { read_value(s_, columns_[i++], row.*d.pointer, typeid(T)); });
    } else {
      read_value(s_, 0, row, typeid(T));
    }
    return row;
  }

 private:
  const statement& s_;
  std::array<int, row_layout<T>::width> columns_{};
};

/// Borrows a cached statement for one call and always hands it back reset,
/// even when binding or reading throws.
class statement_use {
 public:
  explicit statement_use(statement& s) noexcept : s_(s) {}
  ~statement_use() { s_.reset(); }
  statement_use(const statement_use&) = delete;
  statement_use& operator=(const statement_use&) = delete;

  /// Binds all parameters, checking their number against the SQL.
  template <class... A>
  void bind(const A&... args) {
    if (s_.parameter_count() != static_cast<int>(sizeof...(A))) {
      throw_parameter_count(s_, sizeof...(A));
    }
    int index = 0;
    (bind_value(s_, index++, args), ...);
  }

  statement& get() const noexcept { return s_; }

 private:
  statement& s_;
};

}  // namespace mizan::db::detail
