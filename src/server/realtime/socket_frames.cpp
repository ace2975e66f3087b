#include "server/realtime/socket_frames.hpp"

#include "core/error_body.hpp"
#include "core/json_strict.hpp"
#include "mizan/detail/encode.hpp"

#include <boost/json/serialize.hpp>

namespace mizan::server {
namespace {

[[noreturn]] void refuse(std::string message) {
  throw error(errc::bad_request, std::move(message));
}

std::string string_member(const boost::json::object& frame, std::string_view name) {
  const auto* v = frame.if_contains(name);
  if (!v || !v->is_string() || v->get_string().empty()) {
    refuse("'" + std::string(name) + "' must be a non-empty string.");
  }
  return std::string(v->get_string());
}

/// `{"op":"<op>","id":<id>,` + the rest of `body` after its opening brace.
std::string splice(std::string_view op, std::string_view id, std::string_view body) {
  std::string out;
  out.reserve(24 + op.size() + id.size() + body.size());
  out += R"({"op":")";
  out += op;
  out += R"(","id":)";
  out += id;
  if (body.size() > 2) {
    out += ',';
    out.append(body.substr(1));
  } else {
    out += '}';
  }
  return out;
}

}  // namespace

client_frame read_client_frame(std::string_view text, std::string& id) {
  id = "null";
  auto parsed = json::parse_strict(text);
  if (!parsed) refuse("Malformed JSON: " + parsed.error);
  if (!parsed.value.is_object()) refuse("A frame must be a JSON object.");
  const auto& frame = parsed.value.get_object();
  if (const auto* v = frame.if_contains("id")) {
    if (v->is_array() || v->is_object()) refuse("'id' must be a number, a string or null.");
    id = boost::json::serialize(*v);
  }
  const auto* op = frame.if_contains("op");
  if (!op || !op->is_string()) refuse("A frame needs an 'op'.");
  const std::string_view name = op->get_string();
  client_frame out;
  if (name == "call") {
    out.op = client_frame::kind::call;
    out.fn = string_member(frame, "fn");
    if (const auto* args = frame.if_contains("args")) {
      if (!args->is_object()) refuse("'args' must be a JSON object.");
      out.args = args->get_object();
    }
  } else if (name == "sub" || name == "unsub") {
    out.op = name == "sub" ? client_frame::kind::sub : client_frame::kind::unsub;
    out.channel = string_member(frame, "channel");
  } else if (name == "ping") {
    out.op = client_frame::kind::ping;
  } else if (name == "auth") {
    out.op = client_frame::kind::auth;
    out.token = string_member(frame, "token");
  } else {
    refuse("Unknown op.");
  }
  return out;
}

std::string result_frame(std::string_view id, std::string_view answer_body) {
  return splice("result", id, answer_body);
}

std::string error_frame(std::string_view id, std::string_view error_body, int status) {
  std::string out = splice("error", id, error_body);
  // {"op":"error","id":1,"error":{...}} gains the status the error would have
  // had over HTTP, so that a client reports the same error either way.
  out.pop_back();
  out += R"(,"status":)";
  out += std::to_string(status);
  out += '}';
  return out;
}

std::string error_frame(std::string_view id, const error& e) {
  return error_frame(id, core::error_body(e), e.status());
}

std::shared_ptr<const std::string> invalidate_frame(
    std::span<const params::invalidation_entry> entries) {
  std::string out = R"({"op":"invalidate","invalidate":[)";
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (i) out += ',';
    detail::append_json_value(out, params::to_json(entries[i]));
  }
  out += "]}";
  return std::make_shared<const std::string>(std::move(out));
}

}  // namespace mizan::server
