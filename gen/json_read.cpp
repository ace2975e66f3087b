#include "gen/json_read.hpp"

#include <fmt/format.h>

namespace mizan::gen::detail {
namespace {

std::string at(std::string_view where, std::string_view key) {
  return fmt::format("{}: {}", where, key);
}

std::int64_t non_negative_integer(const boost::json::value& v, std::string_view where) {
  if (v.is_int64() && v.get_int64() >= 0) return v.get_int64();
  if (v.is_uint64() && v.get_uint64() <= std::uint64_t(INT64_MAX)) {
    return static_cast<std::int64_t>(v.get_uint64());
  }
  fail(where, "expected a non-negative integer");
}

rule_number number(const boost::json::value& v, std::string_view where) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64()) return static_cast<double>(v.get_uint64());
  if (v.is_double()) return v.get_double();
  fail(where, "expected a number");
}

}  // namespace

void fail(std::string_view where, std::string_view what) {
  throw schema_error(fmt::format("schema: {}: {}", where, what));
}

const boost::json::object& as_object(const boost::json::value& v, std::string_view where) {
  if (!v.is_object()) fail(where, "expected an object");
  return v.get_object();
}

const boost::json::array& as_array(const boost::json::value& v, std::string_view where) {
  if (!v.is_array()) fail(where, "expected an array");
  return v.get_array();
}

std::string as_string(const boost::json::value& v, std::string_view where) {
  if (!v.is_string()) fail(where, "expected a string");
  return std::string(v.get_string());
}

bool as_bool(const boost::json::value& v, std::string_view where) {
  if (!v.is_bool()) fail(where, "expected true or false");
  return v.get_bool();
}

const boost::json::value& member(const boost::json::object& o, std::string_view key,
                                 std::string_view where) {
  const auto* v = o.if_contains(key);
  if (!v) fail(where, fmt::format("'{}' is missing", key));
  return *v;
}

bool optional_bool(const boost::json::object& o, std::string_view key, std::string_view where) {
  const auto* v = o.if_contains(key);
  return v && !v->is_null() && as_bool(*v, at(where, key));
}

type read_type(const boost::json::value& v, const type_names& names, std::string_view where) {
  const auto& o = as_object(v, where);
  const std::string kind = as_string(member(o, "kind", where), at(where, "kind"));
  type t;
  using k = type::kind;
  static const std::map<std::string_view, k> scalars = {
      {"boolean", k::boolean}, {"integer", k::integer}, {"number", k::number},
      {"string", k::string},   {"json", k::json},       {"null", k::null}};
  static const std::map<std::string_view, k> wrappers = {
      {"optional", k::optional}, {"array", k::array}, {"map", k::map}};
  if (const auto s = scalars.find(kind); s != scalars.end()) {
    t.k = s->second;
  } else if (const auto w = wrappers.find(kind); w != wrappers.end()) {
    t.k = w->second;
    t.of.push_back(read_type(member(o, "of", where), names, fmt::format("{} ({})", where, kind)));
  } else if (kind == "ref") {
    const std::string name = as_string(member(o, "name", where), at(where, "name"));
    const auto found = names.ts_name.find(name);
    if (found == names.ts_name.end()) fail(where, fmt::format("unknown type '{}'", name));
    t.k = k::ref;
    t.ref = found->second;
  } else if (kind == "response") {
    fail(where, "an HTTP response is only the result of a view (a function with a route)");
  } else {
    fail(where, fmt::format("unknown kind '{}'", kind));
  }
  return t;
}

field_rules read_rules(const boost::json::value& v, std::string field, std::string_view where) {
  field_rules r;
  r.field = std::move(field);
  for (const auto& [key, value] : as_object(v, where)) {
    const std::string here = at(where, key);
    if (key == "required") {
      r.required = as_bool(value, here);
    } else if (key == "min_length") {
      r.min_length = non_negative_integer(value, here);
    } else if (key == "max_length") {
      r.max_length = non_negative_integer(value, here);
    } else if (key == "min") {
      r.min = number(value, here);
    } else if (key == "max") {
      r.max = number(value, here);
    } else if (key == "pattern") {
      r.pattern = as_string(value, here);
    } else if (key == "email") {
      r.email = as_bool(value, here);
    } else {
      fail(where, fmt::format("unknown rule '{}'", std::string_view(key)));
    }
  }
  return r;
}

}  // namespace mizan::gen::detail
