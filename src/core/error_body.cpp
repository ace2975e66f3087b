#include "core/error_body.hpp"

#include "mizan/detail/encode.hpp"

namespace mizan::core {

void append_error_body(std::string& out, std::string_view code, std::string_view message,
                       const field_errors& fields) {
  using detail::append_json_string;
  out += R"({"error":{"code":)";
  append_json_string(out, code);
  out += R"(,"message":)";
  append_json_string(out, message);
  if (!fields.empty()) {
    out += R"(,"fields":{)";
    bool first_field = true;
    for (const auto& [name, messages] : fields) {
      if (!first_field) out += ',';
      first_field = false;
      append_json_string(out, name);
      out += ":[";
      for (std::size_t i = 0; i < messages.size(); ++i) {
        if (i) out += ',';
        append_json_string(out, messages[i]);
      }
      out += ']';
    }
    out += '}';
  }
  out += "}}";
}

std::string error_body(const error& e) {
  std::string out;
  out.reserve(64 + std::string_view(e.what()).size());
  append_error_body(out, e.code(), e.what(), e.fields());
  return out;
}

}  // namespace mizan::core
