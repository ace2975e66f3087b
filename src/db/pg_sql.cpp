#include "db/pg_sql.hpp"

#include <fmt/format.h>

#include <cctype>
#include <stdexcept>

namespace mizan::db::detail {
namespace {

bool blank(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}

bool identifier_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

// The end of a comment starting at `i` ("--" or "/*", which nest in
// PostgreSQL), or `i` if none starts there.
std::size_t skip_comment(std::string_view s, std::size_t i) {
  if (s.compare(i, 2, "--") == 0) {
    const auto end = s.find('\n', i);
    return end == std::string_view::npos ? s.size() : end + 1;
  }
  if (s.compare(i, 2, "/*") == 0) {
    int depth = 0;
    while (i < s.size()) {
      if (s.compare(i, 2, "/*") == 0) {
        ++depth;
        i += 2;
      } else if (s.compare(i, 2, "*/") == 0) {
        i += 2;
        if (--depth == 0) return i;
      } else {
        ++i;
      }
    }
    return s.size();
  }
  return i;
}

// The end of a quoted run starting at `i` with `quote`; a doubled quote is
// one quote, and `backslash` escapes (E'...') skip the next character.
std::size_t skip_quoted(std::string_view s, std::size_t i, char quote, bool backslash) {
  for (++i; i < s.size(); ++i) {
    if (backslash && s[i] == '\\') {
      ++i;
    } else if (s[i] == quote) {
      if (i + 1 < s.size() && s[i + 1] == quote) {
        ++i;
      } else {
        return i + 1;
      }
    }
  }
  return s.size();
}

// The end of a dollar-quoted string ($$...$$ or $tag$...$tag$) starting at
// `i`, or `i` if `$` does not open one there (it may be a $1 parameter).
std::size_t skip_dollar_quoted(std::string_view s, std::size_t i) {
  std::size_t j = i + 1;
  while (j < s.size() && identifier_char(s[j]) &&
         !(j == i + 1 && std::isdigit(static_cast<unsigned char>(s[j])))) {
    ++j;
  }
  if (j >= s.size() || s[j] != '$') return i;
  const std::string_view tag = s.substr(i, j - i + 1);
  const auto end = s.find(tag, j + 1);
  return end == std::string_view::npos ? s.size() : end + tag.size();
}

}  // namespace

int translate_placeholders(std::string_view sql, std::string& out) {
  out.clear();
  out.reserve(sql.size() + 16);
  int count = 0;
  bool statement = false;  // seen anything but blanks and comments
  bool ended = false;      // seen the `;` after a statement
  std::size_t i = 0;
  auto more_than_one = [&] {
    throw std::logic_error(
        fmt::format("mizan::db: \"{}\" holds more than one statement; exec and query run one "
                    "(use execute_script for several)",
                    sql));
  };
  while (i < sql.size()) {
    const char c = sql[i];
    if (const auto end = skip_comment(sql, i); end != i) {
      out.append(sql.substr(i, end - i));
      i = end;
      continue;
    }
    if (blank(c)) {
      out += c;
      ++i;
      continue;
    }
    if (ended) more_than_one();
    if (c == ';') {
      ended = statement;
      out += c;
      ++i;
      continue;
    }
    statement = true;
    std::size_t end = i;
    if (c == '\'') {
      const bool escapes = i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') &&
                           (i == 1 || !identifier_char(sql[i - 2]));
      end = skip_quoted(sql, i, '\'', escapes);
    } else if (c == '"') {
      end = skip_quoted(sql, i, '"', false);
    } else if (c == '$' && (i == 0 || !identifier_char(sql[i - 1]))) {
      end = skip_dollar_quoted(sql, i);
    }
    if (end != i) {
      out.append(sql.substr(i, end - i));
      i = end;
      continue;
    }
    if (c == '?') {
      fmt::format_to(std::back_inserter(out), "${}", ++count);
    } else {
      out += c;
    }
    ++i;
  }
  if (!statement) throw std::logic_error(fmt::format("mizan::db: no SQL statement in \"{}\"", sql));
  return count;
}

}  // namespace mizan::db::detail
