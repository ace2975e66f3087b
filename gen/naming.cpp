#include "gen/naming.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <system_error>

namespace mizan::gen {
namespace {

bool ident_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
}

bool ident_part(char c) {
  return ident_start(c) || (c >= '0' && c <= '9');
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// ECMAScript reserved words, strict-mode and module restrictions, and the
// names a module cannot rebind (`eval`, `arguments`, `undefined`).
constexpr std::array<std::string_view, 51> reserved_words = {
    "Infinity",  "NaN",      "arguments", "await",      "break",   "case",    "catch",
    "class",     "const",    "continue",  "debugger",   "default", "delete",  "do",
    "else",      "enum",     "eval",      "export",     "extends", "false",   "finally",
    "for",       "function", "if",        "implements", "import",  "in",      "instanceof",
    "interface", "let",      "new",       "null",       "package", "private", "protected",
    "public",    "return",   "static",    "super",      "switch",  "this",    "throw",
    "true",      "try",      "typeof",    "undefined",  "var",     "void",    "while",
    "with",      "yield"};
static_assert(std::is_sorted(reserved_words.begin(), reserved_words.end()));

}  // namespace

std::string pascal_case(std::string_view name) {
  std::string out;
  out.reserve(name.size() + 1);
  bool word_start = true;
  for (const char c : name) {
    if (c == '_' || c == '.' || c == '-') {
      word_start = true;
      continue;
    }
    if (!ident_part(c)) {
      out += '_';
      word_start = true;
      continue;
    }
    out += word_start && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    word_start = false;
  }
  if (out.empty() || is_digit(out.front())) out.insert(out.begin(), '_');
  return out;
}

bool is_identifier(std::string_view name) {
  return !name.empty() && ident_start(name.front()) &&
         std::all_of(name.begin(), name.end(), ident_part);
}

bool is_reserved_word(std::string_view name) {
  return std::binary_search(reserved_words.begin(), reserved_words.end(), name);
}

std::string safe_identifier(std::string_view name) {
  std::string out;
  out.reserve(name.size() + 1);
  for (const char c : name) out += ident_part(c) ? c : '_';
  if (out.empty() || is_digit(out.front())) out.insert(out.begin(), '_');
  if (is_reserved_word(out)) out += '_';
  return out;
}

std::string property_key(std::string_view name) {
  return is_identifier(name) ? std::string(name) : string_literal(name);
}

std::string string_literal(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() + 2);
  out += '\'';
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\'':
        out += "\\'";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7F) {
          out += "\\x";
          out += hex[c >> 4];
          out += hex[c & 0xF];
        } else if (c == 0xE2 && i + 2 < text.size() &&
                   static_cast<unsigned char>(text[i + 1]) == 0x80 &&
                   (static_cast<unsigned char>(text[i + 2]) & 0xFE) == 0xA8) {
          // U+2028 and U+2029 end a line in older JavaScript parsers.
          out += static_cast<unsigned char>(text[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029";
          i += 2;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '\'';
  return out;
}

std::string js_number(double x) {
  if (!std::isfinite(x)) throw schema_error("a rule's number is not finite");
  if (x == 0) return "0";  // -0 too, as JavaScript writes it
  std::string out = x < 0 ? "-" : "";
  // The shortest digits that read back as x (what ECMAScript asks for), then
  // laid out by the rules of Number::toString.
  std::array<char, 64> buf{};
  const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), std::fabs(x),
                                       std::chars_format::scientific);
  if (ec != std::errc{}) throw schema_error("a rule's number cannot be written");
  const std::string_view sci(buf.data(), static_cast<std::size_t>(end - buf.data()));
  const auto e_pos = sci.find('e');
  std::string digits;
  for (const char c : sci.substr(0, e_pos)) {
    if (c != '.') digits += c;
  }
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  const int exponent = std::stoi(std::string(sci.substr(e_pos + 1)));
  const int k = static_cast<int>(digits.size());
  const int n = exponent + 1;  // the decimal point sits after n digits
  if (k <= n && n <= 21) {
    out += digits;
    out.append(static_cast<std::size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out += digits.substr(0, static_cast<std::size_t>(n));
    out += '.';
    out += digits.substr(static_cast<std::size_t>(n));
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-n), '0');
    out += digits;
  } else {
    out += digits.front();
    if (k > 1) {
      out += '.';
      out += digits.substr(1);
    }
    out += 'e';
    out += n - 1 < 0 ? '-' : '+';
    out += std::to_string(std::abs(n - 1));
  }
  return out;
}

std::string js_number(std::int64_t x) {
  return std::to_string(x);
}

}  // namespace mizan::gen
