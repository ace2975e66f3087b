// Reading the Cookie header and writing Set-Cookie values (RFC 6265).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace mizan::server {

/// The names of Mizan's cookies. With Secure cookies the session and CSRF
/// cookies take the `__Host-` prefix, which a browser accepts only from this
/// very host over HTTPS with `Path=/` and no `Domain`: a sibling subdomain
/// or a plain-HTTP page cannot plant (toss) one. The MWT keeps its protocol
/// name, since the edge reads it by that name (PROTOCOL.md §7).
struct cookie_names {
  std::string_view session;
  std::string_view csrf;
  std::string_view mwt;
};
const cookie_names& cookie_names_for(bool secure) noexcept;

/// Every value of cookie `name` in a Cookie header, in order, written to
/// `out` as far as it has room. Returns how many there are, which may exceed
/// `out.size()`. A cookie can appear several times (one per path or domain
/// that set it): callers decide what that means rather than trusting the first.
std::size_t find_cookies(std::string_view header, std::string_view name,
                         std::span<std::string_view> out);

/// The value of cookie `name` when the header has exactly one distinct value
/// for it; nullopt when it has none or several different ones (ambiguous: one
/// of them may have been planted).
std::optional<std::string_view> find_only_cookie(std::string_view header, std::string_view name);

struct cookie_options {
  bool http_only = true;
  bool secure = false;
  std::optional<std::int64_t> max_age;  // seconds; 0 deletes
};

/// `name=value; Path=/; [Max-Age=N; ]SameSite=Lax[; HttpOnly][; Secure]`.
std::string set_cookie(std::string_view name, std::string_view value, const cookie_options& o);

}  // namespace mizan::server
