// Checked access to the schema's JSON for the front end: every failure is a
// schema_error that says where in the schema it happened.
#pragma once

#include "gen/ir.hpp"
#include "gen/naming.hpp"

#include <boost/json/value.hpp>

#include <map>
#include <string>
#include <string_view>

namespace mizan::gen::detail {

/// Throws schema_error("schema: <where>: <what>").
[[noreturn]] void fail(std::string_view where, std::string_view what);

const boost::json::object& as_object(const boost::json::value& v, std::string_view where);
const boost::json::array& as_array(const boost::json::value& v, std::string_view where);
std::string as_string(const boost::json::value& v, std::string_view where);
bool as_bool(const boost::json::value& v, std::string_view where);

/// The member `key`, or a schema_error naming it when it is missing.
const boost::json::value& member(const boost::json::object& o, std::string_view key,
                                 std::string_view where);

/// A boolean member that may be absent (false then).
bool optional_bool(const boost::json::object& o, std::string_view key, std::string_view where);

/// Schema type name → TypeScript name, with whether it is a struct.
struct type_names {
  std::map<std::string, std::string, std::less<>> ts_name;
  std::map<std::string, bool, std::less<>> is_struct;
};

/// Reads a `<type>` (`{"kind": ...}`); `response` is refused (views only).
type read_type(const boost::json::value& v, const type_names& names, std::string_view where);

/// Reads a `rules` object; unknown rules are refused.
field_rules read_rules(const boost::json::value& v, std::string field, std::string_view where);

}  // namespace mizan::gen::detail
