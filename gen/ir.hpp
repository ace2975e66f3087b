// The generator's intermediate form: the schema (PROTOCOL.md §8) after
// validation, with every reference resolved and every name the TypeScript
// needs already chosen. Plain data; the front end fills it, the back ends
// only read it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace mizan::gen {

/// A value type as the schema writes it (`{"kind": ...}`).
struct type {
  enum class kind { boolean, integer, number, string, json, null, optional, array, map, ref };
  kind k = kind::null;
  /// For `ref`: the TypeScript name of the named type it points to.
  std::string ref;
  /// For `optional`, `array` and `map`: exactly one element, the inner type.
  std::vector<type> of;
};

/// A member of a struct, or an argument of a function.
struct field {
  std::string name;
  type t;
  /// `std::optional<T>` in C++: may be absent or null.
  bool optional() const { return t.k == type::kind::optional; }
};

/// A named schema type: a described struct or a described enum.
struct named_type {
  /// As the schema spells it (the C++ name), e.g. `login_args`.
  std::string schema_name;
  /// The TypeScript name, e.g. `LoginArgs`.
  std::string ts_name;
  bool is_enum = false;
  std::vector<field> fields;        // struct
  std::vector<std::string> values;  // enum
};

/// A rule's number as the schema wrote it: integers stay integers.
using rule_number = std::variant<std::int64_t, double>;

/// One argument's validation rules (the schema's `rules` object).
struct field_rules {
  std::string field;
  bool required = false;
  std::optional<std::int64_t> min_length;
  std::optional<std::int64_t> max_length;
  std::optional<rule_number> min;
  std::optional<rule_number> max;
  std::optional<std::string> pattern;
  bool email = false;

  bool empty() const {
    return !required && !min_length && !max_length && !min && !max && !pattern && !email;
  }
};

/// A server function that the client can call (views are left out: they are
/// reached through their route, not through the call endpoint).
struct function {
  /// The wire name, e.g. `add_todo`.
  std::string name;
  /// The name of its descriptor constant: the wire name, escaped if reserved.
  std::string const_name;
  /// PascalCase of the wire name, e.g. `AddTodo`.
  std::string pascal;
  /// True for a query (read through its context), false for a mutation.
  bool is_query = false;
  /// The context of a query; empty for a mutation.
  std::string context;
  /// The TypeScript name of its argument struct, e.g. `IdArgs`.
  std::string args_type;
  std::vector<field> args;
  /// Only the arguments that have at least one rule, in argument order.
  std::vector<field_rules> rules;
  type result;
  bool websocket = false;
  /// Its `auth` is user, staff or superuser: anonymous callers get a 401.
  bool needs_user = false;
  /// It may change who is signed in (the schema's `session`): the kernel
  /// forgets its session and clears private data after it succeeds.
  bool session = false;

  /// True when a call may leave every argument out.
  bool args_optional() const {
    for (const auto& a : args) {
      if (!a.optional()) return false;
    }
    return true;
  }
};

/// A context parameter (PROTOCOL.md §2: scalars only).
struct context_param {
  enum class scalar { string, integer, number, boolean };
  std::string name;
  scalar kind = scalar::string;
  bool optional = true;
};

/// A context: functions fetched together in one request.
struct context {
  /// The wire name, e.g. `todos` or `a.b-c`.
  std::string name;
  /// Its descriptor constant, e.g. `todosContext`.
  std::string const_name;
  /// PascalCase, e.g. `Todos`.
  std::string pascal;
  /// Its query functions, sorted by name.
  std::vector<std::string> functions;
  std::vector<context_param> params;
  bool is_private = false;
  /// One of its functions needs a signed-in user, so the whole context does.
  bool needs_user = false;

  bool params_optional() const {
    for (const auto& p : params) {
      if (!p.optional) return false;
    }
    return true;
  }
};

/// A channel: typed messages the server publishes to the sockets that
/// subscribed to it.
struct channel {
  /// The wire name, e.g. `activity` or `a.b-c` (the same rules as contexts).
  std::string name;
  /// Its descriptor constant, e.g. `activityChannel`.
  std::string const_name;
  /// PascalCase, e.g. `Activity`.
  std::string pascal;
  /// The type of every message.
  type message;
  /// Its `auth` is user, staff or superuser: anonymous subscribers are refused.
  bool needs_user = false;
};

/// The whole schema; every list is sorted by name so that output is deterministic.
struct schema {
  /// schema_hash of the schema: what the server sends as X-Mizan-Schema, so a
  /// client tells which schema it was generated from.
  std::string hash;
  std::vector<named_type> types;
  std::vector<function> functions;
  std::vector<context> contexts;
  std::vector<channel> channels;
};

}  // namespace mizan::gen
