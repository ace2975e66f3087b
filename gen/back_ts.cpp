#include "gen/back_ts.hpp"

#include "gen/naming.hpp"
#include "gen/symbols.hpp"

#include "mizan/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

namespace mizan::gen {
namespace {

using out_it = std::back_insert_iterator<std::string>;

std::string rule_value(const rule_number& n) {
  return std::visit([](auto x) { return js_number(x); }, n);
}

std::string rules_object(const field_rules& r) {
  std::string parts;
  auto add = [&](std::string_view key, const std::string& value) {
    parts += parts.empty() ? " " : ", ";
    fmt::format_to(std::back_inserter(parts), "{}: {}", key, value);
  };
  if (r.required) add("required", "true");
  if (r.min_length) add("min_length", js_number(*r.min_length));
  if (r.max_length) add("max_length", js_number(*r.max_length));
  if (r.min) add("min", rule_value(*r.min));
  if (r.max) add("max", rule_value(*r.max));
  if (r.pattern) add("pattern", string_literal(*r.pattern));
  if (r.email) add("email", "true");
  return "{" + parts + " }";
}

// `optional_marks`: arguments may be left out (`name?: T | null`); members
// of results are always present, null when empty.
void emit_members(out_it out, const std::vector<field>& fields, bool optional_marks) {
  for (const auto& f : fields) {
    fmt::format_to(out, "  {}{}: {};\n", property_key(f.name),
                   optional_marks && f.optional() ? "?" : "", ts_type(f.t));
  }
}

void emit_named(out_it out, const named_type& t) {
  if (t.is_enum) {
    std::string values;
    for (const auto& v : t.values) values += (values.empty() ? "" : " | ") + string_literal(v);
    fmt::format_to(out, "export type {} = {};\n\n", t.ts_name, values.empty() ? "never" : values);
    return;
  }
  if (t.fields.empty()) {
    fmt::format_to(out, "export interface {} {{}}\n\n", t.ts_name);
    return;
  }
  fmt::format_to(out, "export interface {} {{\n", t.ts_name);
  emit_members(out, t.fields, false);
  fmt::format_to(out, "}}\n\n");
}

// A type alias, not an interface: only aliases satisfy index signatures such
// as `Record<string, unknown>` or the kernel's `Params`.
void emit_alias(out_it out, const std::string& name, const std::vector<field>& fields) {
  if (fields.empty()) {
    fmt::format_to(out, "export type {} = Record<string, never>;\n\n", name);
    return;
  }
  fmt::format_to(out, "export type {} = {{\n", name);
  emit_members(out, fields, true);
  fmt::format_to(out, "}};\n\n");
}

void emit_function(out_it out, const function& f) {
  const std::string args = f.pascal + "Args";
  emit_alias(out, args, f.args);
  fmt::format_to(out, "export const {}: FunctionRef<{}, {}> = {{\n  fn: {},\n", f.const_name, args,
                 ts_type(f.result), string_literal(f.name));
  if (!f.rules.empty()) {
    fmt::format_to(out, "  rules: {{\n");
    for (const auto& r : f.rules) {
      fmt::format_to(out, "    {}: {},\n", property_key(r.field), rules_object(r));
    }
    fmt::format_to(out, "  }},\n");
  }
  if (f.websocket) fmt::format_to(out, "  websocket: true,\n");
  if (f.session) fmt::format_to(out, "  session: true,\n");
  fmt::format_to(out, "}};\n\n");
}

type param_type(context_param::scalar s) {
  type t;
  switch (s) {
    case context_param::scalar::string:
      t.k = type::kind::string;
      break;
    case context_param::scalar::integer:
      t.k = type::kind::integer;
      break;
    case context_param::scalar::number:
      t.k = type::kind::number;
      break;
    case context_param::scalar::boolean:
      t.k = type::kind::boolean;
      break;
  }
  return t;
}

void emit_context(out_it out, const context& c, const schema& s) {
  fmt::format_to(out, "export interface {}Data {{\n", c.pascal);
  for (const auto& name : c.functions) {
    const auto& f = *std::find_if(s.functions.begin(), s.functions.end(),
                                  [&](const function& x) { return x.name == name; });
    fmt::format_to(out, "  {}: {};\n", f.name, ts_type(f.result));
  }
  fmt::format_to(out, "}}\n\n");
  std::vector<field> params;
  for (const auto& p : c.params) {
    field f{p.name, param_type(p.kind)};
    if (p.optional) f.t = type{type::kind::optional, {}, {f.t}};
    params.push_back(std::move(f));
  }
  emit_alias(out, c.pascal + "Params", params);
  fmt::format_to(out, "export const {0}: ContextRef<{1}Data, {1}Params> = {{\n", c.const_name,
                 c.pascal);
  fmt::format_to(out, "  context: {},\n  private: {},\n{}}};\n\n", string_literal(c.name),
                 c.is_private ? "true" : "false", c.needs_user ? "  auth: true,\n" : "");
}

void emit_channel(out_it out, const channel& c) {
  const std::string message = ts_type(c.message);
  fmt::format_to(out,
                 "/** The `{}` channel: messages of type {}. */\n"
                 "export const {}: ChannelRef<{}> = {{ channel: {} }};\n\n",
                 c.name, message, c.const_name, message, string_literal(c.name));
}

// The kernel declares the codes (its errorCodes.ts is generated from the
// server's table), so the client only passes its type on.
void emit_error_codes(out_it out) {
  fmt::format_to(out,
                 "/** Error codes: the protocol's table, the client's own, and any a function "
                 "raises. */\n"
                 "export type {{ ErrorCode }} from '@mizan/base';\n\n");
}

void emit_api(out_it out, const schema& s) {
  fmt::format_to(out,
                 "/** Typed calls of the mutations and one-off fetches of the contexts. */\n"
                 "export function createApi(client: Client) {{\n  return {{\n");
  for (const auto& f : s.functions) {
    if (f.is_query) continue;
    fmt::format_to(out, "    {}: (args: {}Args{}) => client.call({}, args),\n", f.name, f.pascal,
                   f.args_optional() ? " = {}" : "", f.const_name);
  }
  for (const auto& c : s.contexts) {
    fmt::format_to(out, "    fetch{0}: (params: {0}Params{1}) => client.load({2}, params),\n",
                   c.pascal, c.params_optional() ? " = {}" : "", c.const_name);
  }
  fmt::format_to(out, "  }};\n}}\n");
}

void claim_names(const schema& s) {
  detail::symbols names;
  for (const auto* imported : {"Client", "ContextRef", "FunctionRef", "Record"}) {
    names.claim(imported, fmt::format("the imported or global '{}'", imported));
  }
  // ChannelRef is imported only when used, so it stays free for a type otherwise.
  if (!s.channels.empty()) names.claim("ChannelRef", "the imported 'ChannelRef'");
  names.claim("ErrorCode", "the error codes");
  names.claim("createApi", "createApi");
  names.claim("schemaHash", "the schema hash");
  for (const auto& t : s.types) names.claim(t.ts_name, fmt::format("type '{}'", t.schema_name));
  for (const auto& f : s.functions) {
    names.claim(f.const_name, fmt::format("function '{}'", f.name));
    names.claim(f.pascal + "Args", fmt::format("the arguments of function '{}'", f.name));
  }
  for (const auto& c : s.contexts) {
    names.claim(c.const_name, fmt::format("context '{}'", c.name));
    names.claim(c.pascal + "Data", fmt::format("the data of context '{}'", c.name));
    names.claim(c.pascal + "Params", fmt::format("the params of context '{}'", c.name));
  }
  for (const auto& c : s.channels) names.claim(c.const_name, fmt::format("channel '{}'", c.name));
}

}  // namespace

std::string emit_error_codes_file() {
  static constexpr std::string_view codes[] = {
#define MIZAN_GEN_CODE(name, status, code) code,
      MIZAN_ERRC_TABLE(MIZAN_GEN_CODE)
#undef MIZAN_GEN_CODE
  };
  std::string text(
      "// Generated by Mizan from MIZAN_ERRC_TABLE in include/mizan/error.hpp. Do not edit:\n"
      "// after changing the table, run `mizan-gen --error-codes "
      "packages/base/src/errorCodes.ts`.\n\n"
      "/** The error codes of the protocol's table (PROTOCOL §3), in the server's order. */\n"
      "export type ProtocolErrorCode =");
  for (const auto code : codes) text += "\n  | " + string_literal(code);
  text += ";\n";
  return text;
}

std::string ts_type(const type& t, std::string_view qualifier) {
  using k = type::kind;
  switch (t.k) {
    case k::boolean:
      return "boolean";
    case k::integer:
    case k::number:
      return "number";
    case k::string:
      return "string";
    case k::json:
      return "unknown";
    case k::null:
      return "null";
    case k::ref:
      return std::string(qualifier) + t.ref;
    case k::optional: {
      // std::optional<std::optional<T>> is still one null on the wire, and
      // `unknown` already holds null.
      const auto& inner = t.of.front();
      const bool has_null = inner.k == k::optional || inner.k == k::null || inner.k == k::json;
      return ts_type(inner, qualifier) + (has_null ? "" : " | null");
    }
    case k::array: {
      const std::string inner = ts_type(t.of.front(), qualifier);
      return t.of.front().k == k::optional ? "(" + inner + ")[]" : inner + "[]";
    }
    case k::map:
      return "Record<string, " + ts_type(t.of.front(), qualifier) + ">";
  }
  return "unknown";
}

std::string emit_index(const schema& s) {
  claim_names(s);
  std::string text(banner);
  auto out = std::back_inserter(text);
  fmt::format_to(out, "import type {{ {}Client, ContextRef, FunctionRef }} from '@mizan/base';\n\n",
                 s.channels.empty() ? "" : "ChannelRef, ");
  if (!s.hash.empty()) {
    fmt::format_to(out,
                   "/**\n * The schema this code was generated from (the server sends its own as\n"
                   " * X-Mizan-Schema): `createClient({{ schema: schemaHash, onSchemaChange }})`.\n"
                   " */\nexport const schemaHash = '{}';\n\n",
                   s.hash);
  }
  for (const auto& t : s.types) emit_named(out, t);
  for (const auto& f : s.functions) emit_function(out, f);
  for (const auto& c : s.contexts) emit_context(out, c, s);
  for (const auto& c : s.channels) emit_channel(out, c);
  emit_error_codes(out);
  emit_api(out, s);
  return text;
}

}  // namespace mizan::gen
