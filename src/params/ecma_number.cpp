#include "params/ecma_number.hpp"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>
#include <cstdlib>

namespace mizan::params {

char* write_ecma_number(char* first, double value) noexcept {
  assert(std::isfinite(value));
  char* out = first;
  if (value == 0) {  // both zeros
    *out++ = '0';
    return out;
  }
  // Shortest scientific form "[-]d[.ddd]e(+|-)x" gives the digits s (k of them)
  // and the exponent n - 1 of the specification's s × 10^(n-k).
  char sci[32];
  const auto result = std::to_chars(sci, sci + sizeof sci, value, std::chars_format::scientific);
  assert(result.ec == std::errc{});
  const char* p = sci;
  const char* const end = result.ptr;
  if (*p == '-') {
    *out++ = '-';
    ++p;
  }
  char digits[20];
  int k = 0;
  digits[k++] = *p++;
  if (*p == '.') {
    for (++p; *p != 'e'; ++p) digits[k++] = *p;
  }
  ++p;  // 'e'
  const bool negative_exponent = *p++ == '-';
  int exponent = 0;
  std::from_chars(p, end, exponent);
  const int n = (negative_exponent ? -exponent : exponent) + 1;

  if (k <= n && n <= 21) {
    out = std::copy(digits, digits + k, out);
    out = std::fill_n(out, n - k, '0');
  } else if (0 < n && n <= 21) {
    out = std::copy(digits, digits + n, out);
    *out++ = '.';
    out = std::copy(digits + n, digits + k, out);
  } else if (-6 < n && n <= 0) {
    *out++ = '0';
    *out++ = '.';
    out = std::fill_n(out, -n, '0');
    out = std::copy(digits, digits + k, out);
  } else {
    *out++ = digits[0];
    if (k > 1) {
      *out++ = '.';
      out = std::copy(digits + 1, digits + k, out);
    }
    *out++ = 'e';
    *out++ = n - 1 >= 0 ? '+' : '-';
    out = std::to_chars(out, out + 4, std::abs(n - 1)).ptr;
  }
  return out;
}

void append_ecma_number(std::string& out, double value) {
  char text[ecma_number_max_chars];
  out.append(text, write_ecma_number(text, value));
}

std::string ecma_number_to_string(double value) {
  std::string out;
  append_ecma_number(out, value);
  return out;
}

}  // namespace mizan::params
