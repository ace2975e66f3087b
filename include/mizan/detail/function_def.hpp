// The type-erased record of one registered function. Everything after
// registration (validation, dispatch, schema) works on this, in .cpp files.
#pragma once

#include "mizan/call.hpp"
#include "mizan/detail/traits.hpp"
#include "mizan/response.hpp"
#include "mizan/rules.hpp"
#include "mizan/user.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mizan::detail {

struct affect_def {
  std::string context;
  /// Null for a whole-context entry; else (args, result) -> scoping params.
  std::function<boost::json::object(const void* args, const void* result)> scope;
};

/// One top-level argument field, as context params and forms see it.
struct field_def {
  std::string name;
  scalar_kind kind = scalar_kind::none;
  bool optional = false;
  std::int64_t int_min = 0, int_max = 0;  // for integers
  mizan::rules rules;
};

/// What running a function produced.
struct invoke_output {
  std::string result;  ///< JSON text; invoke appends the result to it
  std::optional<http_response> view;
  /// The params of each scoped affect, in declaration order.
  std::vector<boost::json::object> scopes;
};

struct function_def;
/// Runs between decoding (type errors: 400) and the function (rules: 422).
using after_decode_hook = void (*)(const function_def&, const boost::json::object& args);
using invoker = std::function<void(call&, const boost::json::object& args, after_decode_hook,
                                   invoke_output& out)>;

/// A channel as registered (see mizan/channel.hpp).
struct channel_def {
  std::string name;
  auth_level auth = auth_level::none;
  boost::json::value message_type;
};

struct function_def {
  std::string name;
  std::string context;  ///< empty: not part of a context (a mutation)
  std::vector<affect_def> affects;
  /// Contexts the function is declared to leave unchanged though it writes
  /// tables they read (`unaffected`): development mode's check stays quiet.
  std::vector<std::string> unaffected;
  bool affects_private_contexts = false;
  auth_level auth = auth_level::none;
  std::function<bool(const call&)> auth_predicate;
  bool websocket = false;
  bool csrf_exempt = false;
  bool unbatched = false;
  bool is_private = false;
  std::string route;
  std::vector<std::string> methods;
  std::int64_t rev = 0;
  std::optional<std::int64_t> cache_seconds;
  bool returns_view = false;
  boost::json::value args_type;
  boost::json::value result_type;
  std::vector<field_def> fields;
  invoker invoke;
};

}  // namespace mizan::detail
