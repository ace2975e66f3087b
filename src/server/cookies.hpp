// Reading the Cookie header and writing Set-Cookie values (RFC 6265).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mizan::server {

/// The value of cookie `name` in a Cookie header (the first one wins).
std::optional<std::string_view> find_cookie(std::string_view header, std::string_view name);

struct cookie_options {
  bool http_only = true;
  bool secure = false;
  std::optional<std::int64_t> max_age;  // seconds; 0 deletes
};

/// `name=value; Path=/; [Max-Age=N; ]SameSite=Lax[; HttpOnly][; Secure]`.
std::string set_cookie(std::string_view name, std::string_view value, const cookie_options& o);

}  // namespace mizan::server
