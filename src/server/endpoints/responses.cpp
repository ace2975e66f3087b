#include "server/endpoints/responses.hpp"

#include "core/error_body.hpp"

#include <fmt/format.h>
#include <boost/json/serialize.hpp>

#include <cstdio>

namespace mizan::server {

void add_header(http::response& r, std::string name, std::string value) {
  r.headers.push_back({std::move(name), std::move(value)});
}

bool etag_matches(std::string_view list, std::string_view etag) {
  while (!list.empty()) {
    const auto comma = list.find(',');
    auto item = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.starts_with("W/")) item.remove_prefix(2);
    if (item == "*" || item == etag) return true;
  }
  return false;
}

http::response json_response(int status, std::string body) {
  http::response r;
  r.status = status;
  r.headers.reserve(6);
  add_header(r, "Content-Type", "application/json");
  r.body = std::move(body);
  return r;
}

http::response json_response(int status, const boost::json::value& body) {
  return json_response(status, boost::json::serialize(body));
}

http::response error_response(const error& e) {
  http::response r = json_response(e.status(), core::error_body(e));
  add_header(r, "Cache-Control", "no-store");
  for (const auto& [name, value] : e.headers()) add_header(r, name, value);
  return r;
}

http::response internal_error_response(std::string_view detail, bool debug) {
  log_failure("request", detail);
  return error_response(
      error(errc::internal, debug ? fmt::format("{} {}", core::internal_error_message, detail)
                                  : std::string(core::internal_error_message)));
}

void log_failure(std::string_view where, std::string_view what) {
  std::fputs(fmt::format("mizan: error in {}: {}\n", where, what).c_str(), stderr);
}

}  // namespace mizan::server
