// Validation rules declared once on argument fields. The server enforces them
// (422 `validation` with field messages) and the schema carries them so the
// generated forms check the same rules with the same messages.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace mizan {

struct rules {
  bool required = false;                  ///< present, not null, not blank
  std::optional<std::size_t> min_length;  ///< in Unicode code points
  std::optional<std::size_t> max_length;
  std::optional<double> min;  ///< numeric range, inclusive
  std::optional<double> max;
  std::optional<std::string> pattern;  ///< ECMAScript regular expression, whole value
  bool email = false;
};

}  // namespace mizan
