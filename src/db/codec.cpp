// The compiled half of the binding and reading templates: type checks and
// the messages of every programming error they report.
#include <fmt/format.h>

#include <algorithm>
#include <boost/core/demangle.hpp>
#include <stdexcept>
#include <string>

#include "mizan/db/statement.hpp"
#include "mizan/error.hpp"

namespace mizan::db::detail {
namespace {

std::string type_name(const std::type_info& type) {
  std::string name = boost::core::demangle(type.name());
  // libstdc++'s spelling of std::string drowns the rest of the message.
  constexpr std::string_view long_string =
      "std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >";
  for (auto at = name.find(long_string); at != std::string::npos; at = name.find(long_string)) {
    name.replace(at, long_string.size(), "std::string");
  }
  return name;
}

std::string_view kind_name(value_kind kind) {
  switch (kind) {
    case value_kind::integer:
      return "an integer";
    case value_kind::real:
      return "a real";
    case value_kind::text:
      return "text";
    case value_kind::blob:
      return "a blob";
    case value_kind::null:
      break;
  }
  return "NULL";
}

[[noreturn]] void throw_mismatch(const statement& s, int column, const std::type_info& wanted,
                                 const std::type_info& target) {
  const value_kind kind = s.column_kind(column);
  throw std::logic_error(fmt::format(
      "mizan::db: column \"{}\" {} {}, which cannot be read into {}{}, reading {} from \"{}\"",
      s.column_name(column), kind == value_kind::null ? "is" : "holds", kind_name(kind),
      type_name(wanted), kind == value_kind::null ? " (use std::optional)" : "", type_name(target),
      s.sql()));
}

}  // namespace

std::int64_t read_integer(const statement& s, int column, const std::type_info& wanted,
                          const std::type_info& target) {
  if (s.column_kind(column) != value_kind::integer) throw_mismatch(s, column, wanted, target);
  return s.column_integer(column);
}

double read_real(const statement& s, int column, const std::type_info& target) {
  const value_kind kind = s.column_kind(column);
  if (kind != value_kind::real && kind != value_kind::integer) {
    throw_mismatch(s, column, typeid(double), target);
  }
  return s.column_real(column);
}

void read_text(const statement& s, int column, std::string& out, const std::type_info& target) {
  const value_kind kind = s.column_kind(column);
  if (kind != value_kind::text && kind != value_kind::blob) {
    throw_mismatch(s, column, typeid(std::string), target);
  }
  out.assign(s.column_text(column));
}

void map_columns(const statement& s, std::span<const std::string_view> members,
                 const std::type_info& target, std::span<int> columns) {
  std::fill(columns.begin(), columns.end(), -1);
  const int count = s.column_count();
  for (int column = 0; column < count; ++column) {
    const std::string_view name = s.column_name(column);
    const auto member = std::find(members.begin(), members.end(), name);
    if (member == members.end()) {
      throw std::logic_error(fmt::format("mizan::db: column \"{}\" of \"{}\" has no member in {}",
                                         name, s.sql(), type_name(target)));
    }
    int& slot = columns[static_cast<std::size_t>(member - members.begin())];
    if (slot != -1) {
      throw std::logic_error(fmt::format("mizan::db: column \"{}\" appears twice in \"{}\" ({})",
                                         name, s.sql(), type_name(target)));
    }
    slot = column;
  }
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (columns[i] == -1) {
      throw std::logic_error(fmt::format("mizan::db: member \"{}\" of {} has no column in \"{}\"",
                                         members[i], type_name(target), s.sql()));
    }
  }
}

void throw_out_of_range(const statement& s, int column, std::int64_t value,
                        const std::type_info& wanted, const std::type_info& target) {
  throw std::logic_error(fmt::format(
      "mizan::db: column \"{}\" holds {}, which does not fit in {}, reading {} from \"{}\"",
      s.column_name(column), value, type_name(wanted), type_name(target), s.sql()));
}

void throw_parameter_out_of_range(const statement& s, int index) {
  throw std::out_of_range(
      fmt::format("mizan::db: parameter {} of \"{}\" does not fit in a 64-bit signed integer",
                  index + 1, s.sql()));
}

void throw_parameter_count(const statement& s, std::size_t given) {
  throw std::logic_error(fmt::format("mizan::db: \"{}\" expects {} parameters, {} given", s.sql(),
                                     s.parameter_count(), given));
}

void throw_not_one_column(const statement& s, const std::type_info& target) {
  throw std::logic_error(
      fmt::format("mizan::db: \"{}\" returns {} columns; reading {} needs exactly one (or read a "
                  "struct described with BOOST_DESCRIBE_STRUCT)",
                  s.sql(), s.column_count(), type_name(target)));
}

void throw_more_than_one_row(const statement& s, const std::type_info& target) {
  throw std::logic_error(fmt::format("mizan::db: \"{}\" returned more than one row, reading one {}",
                                     s.sql(), type_name(target)));
}

void throw_not_found() {
  throw mizan::error(errc::not_found, "Not found.");
}

}  // namespace mizan::db::detail
