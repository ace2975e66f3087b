// Compiled half of the registration API: everything the templates in
// include/mizan/registry.hpp and detail/*.hpp call but need not inline.
#include "mizan/registry.hpp"

#include <fmt/format.h>
#include <boost/core/demangle.hpp>

#include <stdexcept>

namespace mizan {

detail::function_def& registry::add_def(std::string name) {
  auto& def = functions_.emplace_back();
  def.name = std::move(name);
  return def;
}

registered_function registry::function(std::string_view name) {
  for (auto& def : functions_) {
    if (def.name == name) return registered_function(def);
  }
  throw std::logic_error(fmt::format("mizan: no function '{}' is registered", name));
}

void registry::record_scopes(const detail::function_def& def, const void* args, const void* result,
                             detail::invoke_output& out) {
  for (const auto& affect : def.affects) {
    if (affect.scope) out.scopes.push_back(affect.scope(args, result));
  }
}

namespace detail {

bool type_table::reserve(const std::string& name, const std::type_info& type) {
  const std::string owner = boost::core::demangle(type.name());
  if (const auto* existing = owners_.if_contains(name)) {
    if (existing->as_string() != owner) {
      throw std::logic_error(
          fmt::format("mizan: two types are both named '{}' in the schema ({} and {}); rename one",
                      name, std::string(existing->as_string()), owner));
    }
    return false;
  }
  owners_[name] = owner;
  types_[name] = nullptr;  // placeholder: recursion sees the name as taken
  return true;
}

void type_table::define(const std::string& name, boost::json::value description) {
  types_[name] = std::move(description);
}

std::string short_type_name(const std::type_info& type) {
  std::string name = boost::core::demangle(type.name());
  if (const auto colon = name.rfind("::"); colon != std::string::npos) name.erase(0, colon + 2);
  return name;
}

boost::json::value scalar_description(std::string_view kind) {
  return boost::json::object{{"kind", kind}};
}

boost::json::value wrapper_description(std::string_view kind, boost::json::value of) {
  return boost::json::object{{"kind", kind}, {"of", std::move(of)}};
}

boost::json::value integer_description(std::int64_t min, std::int64_t max) {
  return boost::json::object{{"kind", "integer"}, {"min", min}, {"max", max}};
}

void throw_wrong_type(const decode_state& s, std::string_view expected) {
  throw error(errc::bad_request, fmt::format("Field '{}' must be {}.", s.path, expected));
}

void throw_unknown_key(const decode_state& s, std::string_view key) {
  throw error(errc::bad_request, s.path.empty()
                                     ? fmt::format("Unknown argument '{}'.", key)
                                     : fmt::format("Unknown field '{}' in '{}'.", key, s.path));
}

void note_missing(decode_state& s) {
  s.missing[s.path].push_back("This field is required.");
}

bool decode_integer(const boost::json::value& v, std::int64_t min, std::uint64_t max,
                    std::int64_t& out_signed, std::uint64_t& out_unsigned) {
  if (v.is_int64()) {
    const auto x = v.get_int64();
    if (x < min || (x > 0 && static_cast<std::uint64_t>(x) > max)) return false;
    out_signed = x;
    out_unsigned = static_cast<std::uint64_t>(x);
    return true;
  }
  if (v.is_uint64()) {
    const auto x = v.get_uint64();
    if (x > max) return false;
    out_signed = static_cast<std::int64_t>(x);
    out_unsigned = x;
    return true;
  }
  return false;
}

}  // namespace detail

http_response http_response::redirect(std::string location, int status) {
  http_response r;
  r.status = status;
  r.headers.emplace_back("Location", std::move(location));
  r.body.clear();
  return r;
}

http_response http_response::text(std::string body, std::string content_type) {
  http_response r;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  return r;
}

http_response http_response::html(std::string body) {
  return text(std::move(body), "text/html; charset=utf-8");
}

http_response http_response::attachment(std::string body, std::string content_type,
                                        std::string filename) {
  http_response r = text(std::move(body), std::move(content_type));
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + filename + "\"");
  return r;
}

}  // namespace mizan
