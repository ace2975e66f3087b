#include "mizan/detail/encode.hpp"

#include <boost/json/serializer.hpp>

#include <array>
#include <cstdint>
#include <cstring>

namespace mizan::detail {

namespace {

/// Bytes that Boost.JSON escapes: control characters, '"' and '\\'.
constexpr auto escaped_bytes = [] {
  std::array<bool, 256> table{};
  for (int c = 0; c < 0x20; ++c) table[c] = true;
  table['"'] = table['\\'] = true;
  return table;
}();

/// Whether any of the 8 bytes of `w` is one to escape. It may say yes for a
/// word without one (a borrow runs on past a match), never no for one with.
bool word_needs_escape(std::uint64_t w) {
  constexpr std::uint64_t ones = 0x0101010101010101ull;
  constexpr std::uint64_t highs = 0x8080808080808080ull;
  const std::uint64_t control = (w - ones * 0x20) & ~w & highs;
  const std::uint64_t q = w ^ (ones * '"');
  const std::uint64_t b = w ^ (ones * '\\');
  return (control | ((q - ones) & ~q & highs) | ((b - ones) & ~b & highs)) != 0;
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  // Boost.JSON's escapes: \b \t \n \f \r by letter, other control characters
  // as \u00xx, '"' and '\\' escaped, everything else (UTF-8 too) as it is.
  static constexpr char hex[] = "0123456789abcdef";
  out += '"';
  const char* const p = s.data();
  const std::size_t n = s.size();
  std::size_t run = 0;  // start of the bytes not yet copied
  std::size_t i = 0;
  while (i < n) {
    // Skip clean bytes eight at a time, then look at one.
    for (std::uint64_t w; i + 8 <= n; i += 8) {
      std::memcpy(&w, p + i, 8);
      if (word_needs_escape(w)) break;
    }
    if (i == n) break;
    const auto ch = static_cast<unsigned char>(p[i++]);
    if (!escaped_bytes[ch]) continue;
    out.append(p + run, i - 1 - run);
    run = i;
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
  out.append(p + run, n - run);
  out += '"';
}

std::string member_key(std::string_view name) {
  std::string key = ",";
  append_json_string(key, name);
  key += ':';
  return key;
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
