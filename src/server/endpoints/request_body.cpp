// Reading a request's JSON arguments and writing invalidation entries, shared
// by the call endpoint and the view path.
#include "server/endpoints/request_body.hpp"

#include "core/json_strict.hpp"
#include "mizan/detail/encode.hpp"
#include "mizan/error.hpp"

namespace mizan::server {

bool is_json_content_type(std::string_view t) {
  t = t.substr(0, t.find(';'));
  while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
  return http::iequals(t, "application/json");
}

boost::json::object parse_arguments(std::string_view content_type, std::string_view body) {
  if (body.empty()) return {};
  if (!is_json_content_type(content_type)) {
    throw error(errc::unsupported_media_type, "Send arguments as application/json.");
  }
  auto parsed = json::parse_strict(body);
  if (!parsed) throw error(errc::bad_request, "Malformed JSON: " + parsed.error);
  if (!parsed.value.is_object()) throw error(errc::bad_request, "Arguments must be a JSON object.");
  return std::move(parsed.value.get_object());
}

std::string result_body(const call_result& r) {
  std::string body;
  body.reserve(32 + r.result.size() + r.invalidate_json.size());
  body = "{\"result\":";
  body += r.result;
  body += ",\"invalidate\":";
  body += r.invalidate_json;
  body += '}';
  return body;
}

}  // namespace mizan::server
