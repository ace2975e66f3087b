#include "params/uri_encode.hpp"

#include <array>

namespace mizan::params {
namespace {

constexpr std::array<bool, 256> unreserved_table() {
  std::array<bool, 256> table{};
  for (int c = 'A'; c <= 'Z'; ++c) table[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) table[c] = true;
  for (int c = '0'; c <= '9'; ++c) table[c] = true;
  for (const char c : std::string_view("-_.!~*'()")) table[static_cast<unsigned char>(c)] = true;
  return table;
}

constexpr auto unreserved = unreserved_table();

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

void append_uri_component(std::string& out, std::string_view utf8) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::size_t run_start = 0;
  for (std::size_t i = 0; i < utf8.size(); ++i) {
    const auto byte = static_cast<unsigned char>(utf8[i]);
    if (unreserved[byte]) continue;
    // Copy whole runs of kept characters at once: most values are plain words.
    out.append(utf8.data() + run_start, i - run_start);
    const char escape[3] = {'%', hex[byte >> 4], hex[byte & 0x0f]};
    out.append(escape, 3);
    run_start = i + 1;
  }
  out.append(utf8.data() + run_start, utf8.size() - run_start);
}

std::string encode_uri_component(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  append_uri_component(out, utf8);
  return out;
}

bool append_percent_decoded(std::string& out, std::string_view text, bool plus_is_space) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (text.size() - i < 3) return false;
      const int high = hex_value(text[i + 1]);
      const int low = hex_value(text[i + 2]);
      if (high < 0 || low < 0) return false;
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return true;
}

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  if (!append_percent_decoded(out, text, plus_is_space)) return std::nullopt;
  return out;
}

}  // namespace mizan::params
