#include "mizan/detail/encode.hpp"

#include <boost/json/serializer.hpp>

#include <array>

namespace mizan::detail {

namespace {

/// Bytes that Boost.JSON escapes: control characters, '"' and '\\'.
constexpr auto escaped_bytes = [] {
  std::array<bool, 256> table{};
  for (int c = 0; c < 0x20; ++c) table[c] = true;
  table['"'] = table['\\'] = true;
  return table;
}();

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  // Boost.JSON's escapes: \b \t \n \f \r by letter, other control characters
  // as \u00xx, '"' and '\\' escaped, everything else (UTF-8 too) as it is.
  static constexpr char hex[] = "0123456789abcdef";
  out += '"';
  std::size_t run = 0;  // start of the bytes not yet copied
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto ch = static_cast<unsigned char>(s[i]);
    if (!escaped_bytes[ch]) continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    out += '\\';
    switch (ch) {
      case '"':
        out += '"';
        break;
      case '\\':
        out += '\\';
        break;
      case '\b':
        out += 'b';
        break;
      case '\t':
        out += 't';
        break;
      case '\n':
        out += 'n';
        break;
      case '\f':
        out += 'f';
        break;
      case '\r':
        out += 'r';
        break;
      default:
        out += "u00";
        out += hex[ch >> 4];
        out += hex[ch & 15];
    }
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

void append_json_value(std::string& out, const boost::json::value& v) {
  boost::json::serializer sr;
  sr.reset(&v);
  char buf[512];
  while (!sr.done()) out.append(sr.read(buf));
}

void append_json_double(std::string& out, double d) {
  append_json_value(out, boost::json::value(d));
}

}  // namespace mizan::detail
