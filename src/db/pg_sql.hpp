// SQL text as PostgreSQL wants it: `?` placeholders become `$1`, `$2`, ...
#pragma once

#include <string>
#include <string_view>

namespace mizan::db::detail {

/// `sql` with each `?` outside string literals, quoted identifiers,
/// dollar-quoted strings and comments replaced by `$n`, numbered from 1, into
/// `out`; returns how many. Throws std::logic_error when `sql` holds no
/// statement or more than one (anything but blanks and comments after a `;`).
int translate_placeholders(std::string_view sql, std::string& out);

}  // namespace mizan::db::detail
