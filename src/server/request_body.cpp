// Reading a request's JSON arguments and writing invalidation entries, shared
// by the call endpoint and the view path.
#include "server/request_body.hpp"

#include "core/json_strict.hpp"
#include "mizan/detail/encode.hpp"
#include "mizan/error.hpp"

namespace mizan::server {

bool is_json_content_type(const http::request& req) {
  const auto* type = req.find("Content-Type");
  if (!type) return false;
  std::string_view t = *type;
  t = t.substr(0, t.find(';'));
  while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
  return http::iequals(t, "application/json");
}

boost::json::object parse_arguments(const http::request& req) {
  if (req.body.empty()) return {};
  if (!is_json_content_type(req)) {
    throw error(errc::unsupported_media_type, "Send arguments as application/json.");
  }
  auto parsed = json::parse_strict(req.body);
  if (!parsed) throw error(errc::bad_request, "Malformed JSON: " + parsed.error);
  if (!parsed.value.is_object()) throw error(errc::bad_request, "Arguments must be a JSON object.");
  return std::move(parsed.value.get_object());
}

boost::json::array invalidate_json(const std::vector<params::invalidation_entry>& entries) {
  boost::json::array out;
  out.reserve(entries.size());
  for (const auto& e : entries) out.push_back(params::to_json(e));
  return out;
}

std::string result_body(const call_result& r) {
  std::string body = "{\"result\":";
  body += r.result;
  body += ",\"invalidate\":";
  detail::append_json_value(body, invalidate_json(r.invalidate));
  body += '}';
  return body;
}

}  // namespace mizan::server
