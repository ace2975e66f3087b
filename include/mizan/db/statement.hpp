// The compiled core under the query templates: a prepared statement seen
// through a small virtual interface, so that no backend header reaches user
// code and the templates stay thin (fmt's format -> vformat pattern).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <typeinfo>

namespace mizan::db::detail {

/// Storage class of a column value in the current row.
enum class value_kind { null, integer, real, text, blob };

/// A prepared statement borrowed from a connection's cache for one call.
///
/// Parameter and column indexes are 0-based. Each backend implements it in
/// its own .cpp file. Not thread-safe: it belongs to one connection.
class statement {
 public:
  virtual ~statement() = default;
  /// The SQL text, for error messages.
  virtual std::string_view sql() const noexcept = 0;
  /// Number of parameters the statement expects.
  virtual int parameter_count() const noexcept = 0;
  /// Binds SQL NULL.
  virtual void bind_null(int index) = 0;
  /// Binds a 64-bit integer.
  virtual void bind_integer(int index, std::int64_t value) = 0;
  /// Binds a double.
  virtual void bind_real(int index, double value) = 0;
  /// Binds text without copying: `value` must stay alive until reset().
  virtual void bind_text(int index, std::string_view value) = 0;
  /// Moves to the next row; false when the statement has finished.
  virtual bool step() = 0;
  /// Runs to completion; returns the rows inserted, updated or deleted.
  virtual std::int64_t execute() = 0;
  /// Number of result columns.
  virtual int column_count() const noexcept = 0;
  /// Name of a result column (its alias when there is one).
  virtual std::string_view column_name(int column) const noexcept = 0;
  /// What the column holds in the current row.
  virtual value_kind column_kind(int column) const noexcept = 0;
  /// The column of the current row as an integer (only when kind is integer).
  virtual std::int64_t column_integer(int column) const noexcept = 0;
  /// The column of the current row as a double (kind integer or real).
  virtual double column_real(int column) const noexcept = 0;
  /// Text or blob bytes of the current row, valid until the next step or reset.
  virtual std::string_view column_text(int column) const noexcept = 0;
  /// Resets the statement and clears its bindings so that it can be reused.
  virtual void reset() noexcept = 0;
};

// Non-template helpers the templates call; implemented in src/db/codec.cpp.
// `wanted` is the C++ type being read, `target` the struct (or scalar type)
// of the query, both only used to build messages.

/// The column as an integer; throws std::logic_error if it holds anything else.
std::int64_t read_integer(const statement& s, int column, const std::type_info& wanted,
                          const std::type_info& target);
/// The column as a double (integers convert); throws std::logic_error otherwise.
double read_real(const statement& s, int column, const std::type_info& target);
/// The column's text or blob bytes into `out`; throws std::logic_error otherwise.
void read_text(const statement& s, int column, std::string& out, const std::type_info& target);
/// Maps each member name to its result column; throws std::logic_error naming
/// the SQL, the struct and the column or member that has no counterpart.
void map_columns(const statement& s, std::span<const std::string_view> members,
                 const std::type_info& target, std::span<int> columns);

[[noreturn]] void throw_out_of_range(const statement& s, int column, std::int64_t value,
                                     const std::type_info& wanted, const std::type_info& target);
[[noreturn]] void throw_parameter_out_of_range(const statement& s, int index);
[[noreturn]] void throw_parameter_count(const statement& s, std::size_t given);
[[noreturn]] void throw_not_one_column(const statement& s, const std::type_info& target);
[[noreturn]] void throw_more_than_one_row(const statement& s, const std::type_info& target);
[[noreturn]] void throw_not_found();

}  // namespace mizan::db::detail
