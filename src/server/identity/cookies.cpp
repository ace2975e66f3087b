#include "server/identity/cookies.hpp"

#include <fmt/format.h>
#include <array>

namespace mizan::server {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

constexpr cookie_names plain_names{"mizan_session", "mizan_csrf", "mizan_mwt"};
constexpr cookie_names host_names{"__Host-mizan_session", "__Host-mizan_csrf", "mizan_mwt"};

}  // namespace

const cookie_names& cookie_names_for(bool secure) noexcept {
  return secure ? host_names : plain_names;
}

std::size_t find_cookies(std::string_view header, std::string_view name,
                         std::span<std::string_view> out) {
  std::size_t found = 0;
  while (!header.empty()) {
    const auto semi = header.find(';');
    const auto pair = trim(header.substr(0, semi));
    header = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos || trim(pair.substr(0, eq)) != name) continue;
    auto value = trim(pair.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    if (found < out.size()) out[found] = value;
    ++found;
  }
  return found;
}

std::optional<std::string_view> find_only_cookie(std::string_view header, std::string_view name) {
  std::array<std::string_view, 4> values;
  const auto n = find_cookies(header, name, values);
  if (n == 0 || n > values.size()) return std::nullopt;
  for (std::size_t i = 1; i < n; ++i) {
    if (values[i] != values[0]) return std::nullopt;
  }
  return values[0];
}

std::string set_cookie(std::string_view name, std::string_view value, const cookie_options& o) {
  std::string out = fmt::format("{}={}; Path=/", name, value);
  if (o.max_age) out += fmt::format("; Max-Age={}", *o.max_age);
  out += "; SameSite=Lax";
  if (o.http_only) out += "; HttpOnly";
  if (o.secure) out += "; Secure";
  return out;
}

}  // namespace mizan::server
