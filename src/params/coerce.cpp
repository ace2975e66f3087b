#include "params/coerce.hpp"

#include <algorithm>
#include <charconv>

namespace mizan::params::detail {
namespace {

bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

}  // namespace

// -?(0|[1-9][0-9]*), with "-0" refused: it has no JavaScript integer spelling.
std::optional<std::int64_t> parse_integer(std::string_view text) noexcept {
  const bool negative = !text.empty() && text.front() == '-';
  const std::string_view digits = text.substr(negative ? 1 : 0);
  if (digits.empty() || !std::all_of(digits.begin(), digits.end(), is_digit)) return std::nullopt;
  if (digits.front() == '0' && (digits.size() > 1 || negative)) return std::nullopt;
  std::int64_t value = 0;
  const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  if (result.ec != std::errc{}) return std::nullopt;  // beyond int64: out of any bounds
  return value;
}

// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, finite after rounding.
std::optional<double> parse_number(std::string_view text) noexcept {
  std::size_t i = 0;
  const std::size_t n = text.size();
  const bool negative = i < n && text[i] == '-';
  if (negative) ++i;
  // Decimal exponent of the first significant digit, to tell underflow from
  // overflow when from_chars reports either as out of range.
  long long magnitude = 0;
  if (i < n && text[i] == '0') {
    ++i;
    magnitude = -1;
  } else if (i < n && text[i] >= '1' && text[i] <= '9') {
    const std::size_t start = i;
    while (i < n && is_digit(text[i])) ++i;
    magnitude = static_cast<long long>(i - start) - 1;
  } else {
    return std::nullopt;
  }
  if (i < n && text[i] == '.') {
    const std::size_t start = ++i;
    while (i < n && is_digit(text[i])) ++i;
    if (i == start) return std::nullopt;
    if (magnitude < 0) {
      const auto first = text.find_first_not_of('0', start);
      if (first < i) magnitude = -static_cast<long long>(first - start) - 1;
    }
  }
  long long exponent = 0;
  if (i < n && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    const bool negative_exponent = i < n && text[i] == '-';
    if (i < n && (text[i] == '-' || text[i] == '+')) ++i;
    const std::size_t start = i;
    for (; i < n && is_digit(text[i]); ++i) {
      exponent = std::min(exponent * 10 + (text[i] - '0'), 1'000'000'000LL);
    }
    if (i == start) return std::nullopt;
    if (negative_exponent) exponent = -exponent;
  }
  if (i != n) return std::nullopt;

  double value = 0;
  const auto result = std::from_chars(text.data(), text.data() + n, value);
  if (result.ec == std::errc::result_out_of_range && magnitude + exponent < 0) {
    return negative ? -0.0 : 0.0;  // as Number("1e-400") in JavaScript
  }
  if (result.ec != std::errc{} || result.ptr != text.data() + n) return std::nullopt;
  return value;
}

}  // namespace mizan::params::detail
