#include "server/dispatch/caller.hpp"

namespace mizan::server {

std::string_view caller::header(std::string_view name) const noexcept {
  for (const auto& h : headers) {
    if (http::iequals(h.name, name)) return h.value;
  }
  return {};
}

caller caller_of(const http::request& req) noexcept {
  caller c;
  c.method = req.method;
  c.remote_address = req.remote_address;
  c.headers = req.headers;
  bool cookie_seen = false, authorization_seen = false;
  for (const auto& h : req.headers) {
    const std::string_view name = h.name, value = h.value;
    // The first of each counts, as http::request::find would have it.
    if (!cookie_seen && http::iequals(name, "Cookie")) {
      c.cookies = value;
      cookie_seen = true;
    } else if (!authorization_seen && http::iequals(name, "Authorization")) {
      if (value.size() > 7 && http::iequals(value.substr(0, 7), "Bearer ")) {
        c.bearer = value.substr(7);
      }
      authorization_seen = true;
    } else if (!c.origin && http::iequals(name, "Origin")) {
      c.origin = value;
    } else if (!c.csrf_token && http::iequals(name, "X-CSRF-Token")) {
      c.csrf_token = value;
    } else if (c.content_type.empty() && http::iequals(name, "Content-Type")) {
      c.content_type = value;
    }
  }
  return c;
}

}  // namespace mizan::server
