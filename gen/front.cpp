#include "gen/front.hpp"

#include "gen/json_read.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace mizan::gen {
namespace {

using detail::as_array;
using detail::as_bool;
using detail::as_object;
using detail::as_string;
using detail::fail;
using detail::member;

// PROTOCOL.md §1: function names are [a-z][a-z0-9_]*, contexts [A-Za-z0-9_.-]+
// (channels too: the server checks them with the same rule).
bool valid_function_name(std::string_view n) {
  return !n.empty() && n.front() >= 'a' && n.front() <= 'z' &&
         std::all_of(n.begin(), n.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
         });
}

bool valid_context_name(std::string_view n) {
  return !n.empty() && std::all_of(n.begin(), n.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
  });
}

detail::type_names name_types(const boost::json::object& types) {
  detail::type_names names;
  std::map<std::string, std::string> taken;  // TypeScript name → schema name
  for (const auto& [key, value] : types) {
    const std::string name(key);
    const std::string where = fmt::format("type '{}'", name);
    const auto& o = as_object(value, where);
    const std::string kind = as_string(member(o, "kind", where), where + ": kind");
    if (kind != "struct" && kind != "enum") fail(where, fmt::format("unknown kind '{}'", kind));
    const std::string ts = pascal_case(name);
    if (const auto [it, fresh] = taken.emplace(ts, name); !fresh) {
      fail(where,
           fmt::format("type '{}' also becomes '{}' in TypeScript; rename one", it->second, ts));
    }
    names.ts_name.emplace(name, ts);
    names.is_struct.emplace(name, kind == "struct");
  }
  return names;
}

std::vector<field> read_fields(const boost::json::value& v, const detail::type_names& names,
                               const std::string& where) {
  std::vector<field> out;
  std::set<std::string> seen;
  for (const auto& f : as_array(v, where + ": fields")) {
    const auto& o = as_object(f, where + ": field");
    field x;
    x.name = as_string(member(o, "name", where), where + ": field name");
    const std::string here = fmt::format("{}: field '{}'", where, x.name);
    if (!seen.insert(x.name).second) fail(here, "declared twice");
    x.t = detail::read_type(member(o, "type", here), names, here);
    out.push_back(std::move(x));
  }
  return out;
}

named_type read_named(const std::string& name, const boost::json::object& o,
                      const detail::type_names& names) {
  const std::string where = fmt::format("type '{}'", name);
  named_type t;
  t.schema_name = name;
  t.ts_name = names.ts_name.find(name)->second;
  t.is_enum = !names.is_struct.find(name)->second;
  if (!t.is_enum) {
    t.fields = read_fields(member(o, "fields", where), names, where);
    return t;
  }
  std::set<std::string> seen;
  for (const auto& v : as_array(member(o, "values", where), where + ": values")) {
    t.values.push_back(as_string(v, where + ": value"));
    if (!seen.insert(t.values.back()).second)
      fail(where, fmt::format("value '{}' twice", t.values.back()));
  }
  return t;
}

void read_arguments(function& f, const boost::json::object& o, const detail::type_names& names,
                    const boost::json::object& types, const std::string& where) {
  const auto args = detail::read_type(member(o, "args", where), names, where + ": args");
  if (args.k != type::kind::ref) fail(where + ": args", "expected a reference to a struct");
  const std::string schema_name(member(o, "args", where).get_object().at("name").get_string());
  if (!names.is_struct.find(schema_name)->second) {
    fail(where + ": args", fmt::format("'{}' is not a struct", schema_name));
  }
  f.args_type = args.ref;
  f.args = read_fields(types.at(schema_name).get_object().at("fields"), names,
                       fmt::format("type '{}'", schema_name));
  std::set<std::string> seen;
  static const boost::json::array none;
  const auto* fields = o.if_contains("fields");
  for (const auto& v : fields ? as_array(*fields, where + ": fields") : none) {
    const auto& fo = as_object(v, where + ": fields");
    std::string name = as_string(member(fo, "name", where), where + ": fields: name");
    const std::string here = fmt::format("{}: rules of '{}'", where, name);
    if (std::none_of(f.args.begin(), f.args.end(),
                     [&](const field& a) { return a.name == name; })) {
      fail(here, "no such argument");
    }
    if (!seen.insert(name).second) fail(here, "given twice");
    auto r = detail::read_rules(member(fo, "rules", here), std::move(name), here);
    if (!r.empty()) f.rules.push_back(std::move(r));
  }
  // Rules follow the arguments' order, whatever order the schema lists them in.
  auto position = [&](const field_rules& r) {
    return std::find_if(f.args.begin(), f.args.end(),
                        [&](const field& a) { return a.name == r.field; });
  };
  std::sort(f.rules.begin(), f.rules.end(),
            [&](const auto& a, const auto& b) { return position(a) < position(b); });
}

// Returns false for a view, which generated code leaves out.
bool read_function(function& f, const boost::json::value& v, const detail::type_names& names,
                   const boost::json::object& types) {
  const auto& o = as_object(v, "functions");
  f.name = as_string(member(o, "name", "functions"), "functions: name");
  const std::string where = fmt::format("function '{}'", f.name);
  if (!valid_function_name(f.name)) fail(where, "the name must match [a-z][a-z0-9_]*");
  const std::string kind = as_string(member(o, "kind", where), where + ": kind");
  if (kind == "view") return false;
  if (kind != "query" && kind != "mutation") fail(where, fmt::format("unknown kind '{}'", kind));
  f.is_query = kind == "query";
  const auto* ctx = o.if_contains("context");
  if (f.is_query) {
    if (!ctx || !ctx->is_string()) fail(where, "a query needs a context");
    f.context = std::string(ctx->get_string());
  } else if (ctx && !ctx->is_null()) {
    fail(where, "a mutation has no context");
  }
  f.const_name = safe_identifier(f.name);
  f.pascal = pascal_case(f.name);
  read_arguments(f, o, names, types, where);
  f.result = detail::read_type(member(o, "result", where), names, where + ": result");
  f.websocket = detail::optional_bool(o, "websocket", where);
  f.session = detail::optional_bool(o, "session", where);
  if (const auto* auth = o.if_contains("auth")) {
    const std::string level = as_string(*auth, where + ": auth");
    if (level != "none" && level != "user" && level != "staff" && level != "superuser" &&
        level != "predicate") {
      fail(where, fmt::format("unknown auth '{}'", level));
    }
    f.needs_user = level == "user" || level == "staff" || level == "superuser";
  }
  return true;
}

context_param read_param(const boost::json::value& v, const std::string& where) {
  const auto& o = as_object(v, where + ": params");
  context_param p;
  p.name = as_string(member(o, "name", where), where + ": param name");
  const std::string here = fmt::format("{}: param '{}'", where, p.name);
  const std::string kind = as_string(member(o, "type", here), here + ": type");
  using s = context_param::scalar;
  if (kind == "str")
    p.kind = s::string;
  else if (kind == "int")
    p.kind = s::integer;
  else if (kind == "float")
    p.kind = s::number;
  else if (kind == "bool")
    p.kind = s::boolean;
  else
    fail(here, fmt::format("unknown type '{}' (expected str, int, float or bool)", kind));
  p.optional = as_bool(member(o, "optional", here), here + ": optional");
  return p;
}

context read_context(const boost::json::value& v,
                     const std::map<std::string, const function*>& fns) {
  const auto& o = as_object(v, "contexts");
  context c;
  c.name = as_string(member(o, "name", "contexts"), "contexts: name");
  const std::string where = fmt::format("context '{}'", c.name);
  if (!valid_context_name(c.name)) fail(where, "the name must match [A-Za-z0-9_.-]+");
  c.const_name = safe_identifier(c.name) + "Context";
  c.pascal = pascal_case(c.name);
  for (const auto& f : as_array(member(o, "functions", where), where + ": functions")) {
    c.functions.push_back(as_string(f, where + ": functions"));
    const auto it = fns.find(c.functions.back());
    if (it == fns.end() || it->second->context != c.name) {
      fail(where, fmt::format("'{}' is not a query of this context", c.functions.back()));
    }
    c.needs_user = c.needs_user || it->second->needs_user;
  }
  std::sort(c.functions.begin(), c.functions.end());
  std::set<std::string> seen;
  for (const auto& p : as_array(member(o, "params", where), where + ": params")) {
    c.params.push_back(read_param(p, where));
    if (!seen.insert(c.params.back().name).second) {
      fail(where, fmt::format("param '{}' declared twice", c.params.back().name));
    }
  }
  c.is_private = detail::optional_bool(o, "private", where);
  return c;
}

// No `predicate` here, unlike functions: a subscription has no arguments to judge.
bool channel_needs_user(const boost::json::object& o, const std::string& where) {
  const std::string level = as_string(member(o, "auth", where), where + ": auth");
  if (level == "user" || level == "staff" || level == "superuser") return true;
  if (level != "none") {
    fail(where, fmt::format("unknown auth '{}' (expected none, user, staff or superuser)", level));
  }
  return false;
}

channel read_channel(const boost::json::value& v, const detail::type_names& names) {
  const auto& o = as_object(v, "channels");
  channel c;
  c.name = as_string(member(o, "name", "channels"), "channels: name");
  const std::string where = fmt::format("channel '{}'", c.name);
  if (!valid_context_name(c.name)) fail(where, "the name must match [A-Za-z0-9_.-]+");
  c.const_name = safe_identifier(c.name) + "Channel";
  c.pascal = pascal_case(c.name);
  c.message = detail::read_type(member(o, "message", where), names, where + ": message");
  c.needs_user = channel_needs_user(o, where);
  return c;
}

// Older schemas have no `channels`: none then.
std::vector<channel> read_channels(const boost::json::object& root,
                                   const detail::type_names& names) {
  std::vector<channel> out;
  const auto* list = root.if_contains("channels");
  if (!list) return out;
  std::set<std::string> seen;
  for (const auto& v : as_array(*list, "channels")) {
    out.push_back(read_channel(v, names));
    if (!seen.insert(out.back().name).second) {
      fail(fmt::format("channel '{}'", out.back().name), "declared twice");
    }
  }
  return out;
}

void mark_used(const type& t, const std::map<std::string, const named_type*>& by_name,
               std::set<std::string>& used) {
  for (const auto& inner : t.of) mark_used(inner, by_name, used);
  if (t.k != type::kind::ref || !used.insert(t.ref).second) return;
  for (const auto& f : by_name.at(t.ref)->fields) mark_used(f.t, by_name, used);
}

// Keeps the named types that results, arguments' members and channels'
// messages reach. An argument struct itself (`IdArgs`, `no_args`) is a C++
// detail: its members appear in each function's own `<Name>Args` instead.
void drop_unused_types(schema& s) {
  std::map<std::string, const named_type*> by_name;
  for (const auto& t : s.types) by_name.emplace(t.ts_name, &t);
  std::set<std::string> used;
  for (const auto& f : s.functions) {
    mark_used(f.result, by_name, used);
    for (const auto& a : f.args) mark_used(a.t, by_name, used);
  }
  for (const auto& c : s.channels) mark_used(c.message, by_name, used);
  std::erase_if(s.types, [&](const named_type& t) { return !used.count(t.ts_name); });
}

template <class T>
void sort_by(std::vector<T>& v, std::string T::*key) {
  std::sort(v.begin(), v.end(), [&](const T& a, const T& b) { return a.*key < b.*key; });
}

}  // namespace

schema read_schema(const boost::json::value& schema_json) {
  const auto& root = as_object(schema_json, "the document");
  const auto* version = root.if_contains("mizan_schema");
  if (!version || !version->is_int64() || version->get_int64() != 1) {
    fail("the document", "not a Mizan schema of version 1 (\"mizan_schema\": 1)");
  }
  const auto& types = as_object(member(root, "types", "the document"), "types");
  const auto names = name_types(types);
  schema out;
  for (const auto& [key, value] : types) {
    out.types.push_back(read_named(std::string(key), value.get_object(), names));
  }
  std::map<std::string, const function*> queries;
  std::set<std::string> seen;
  for (const auto& v : as_array(member(root, "functions", "the document"), "functions")) {
    function f;
    const bool callable = read_function(f, v, names, types);
    if (!seen.insert(f.name).second) fail(fmt::format("function '{}'", f.name), "declared twice");
    if (callable) out.functions.push_back(std::move(f));
  }
  for (const auto& f : out.functions) {
    if (f.is_query) queries.emplace(f.name, &f);
  }
  std::set<std::string> contexts;
  for (const auto& v : as_array(member(root, "contexts", "the document"), "contexts")) {
    out.contexts.push_back(read_context(v, queries));
    if (!contexts.insert(out.contexts.back().name).second) {
      fail(fmt::format("context '{}'", out.contexts.back().name), "declared twice");
    }
  }
  for (const auto& [name, f] : queries) {
    if (!contexts.count(f->context)) {
      fail(fmt::format("function '{}'", name), fmt::format("unknown context '{}'", f->context));
    }
    const auto& c = *std::find_if(out.contexts.begin(), out.contexts.end(),
                                  [&](const context& x) { return x.name == f->context; });
    if (!std::binary_search(c.functions.begin(), c.functions.end(), name)) {
      fail(fmt::format("context '{}'", c.name), fmt::format("does not list its query '{}'", name));
    }
  }
  out.channels = read_channels(root, names);
  drop_unused_types(out);
  sort_by(out.types, &named_type::ts_name);
  sort_by(out.functions, &function::name);
  sort_by(out.contexts, &context::name);
  sort_by(out.channels, &channel::name);
  return out;
}

}  // namespace mizan::gen
