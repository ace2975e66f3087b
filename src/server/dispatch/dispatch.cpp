#include "server/dispatch/dispatch.hpp"

#include "server/dispatch/invalidation_list.hpp"
#include "server/registry/rules_check.hpp"

#include <algorithm>

namespace mizan::server {

void check_access(const function_def& f, const call& c) {
  const auto& u = c.user();
  switch (f.auth) {
    case auth_level::none:
      break;
    case auth_level::user:
      if (!u) throw error(errc::unauthenticated, "Authentication required.");
      break;
    case auth_level::staff:
      if (!u) throw error(errc::unauthenticated, "Authentication required.");
      if (!u->is_staff && !u->is_superuser) throw error(errc::forbidden, "Staff only.");
      break;
    case auth_level::superuser:
      if (!u) throw error(errc::unauthenticated, "Authentication required.");
      if (!u->is_superuser) throw error(errc::forbidden, "Superusers only.");
      break;
  }
  if (f.auth_predicate && !f.auth_predicate(c)) {
    throw error(errc::forbidden, "You do not have permission.");
  }
}

void check_rules(const function_def& f, const boost::json::object& args) {
  field_errors errors;
  for (const auto& field : f.fields) {
    check_field_rules(field, args.if_contains(field.name), errors);
  }
  if (!errors.empty()) throw error(errc::validation, "Invalid input.", std::move(errors));
}

call_result run_function(const catalog& cat, const function_def& f, const boost::json::object& args,
                         call& c) {
  check_access(f, c);
  detail::invoke_output out;
  f.invoke(c, args, &check_rules, out);

  call_result r;
  r.result = std::move(out.result);
  r.view = std::move(out.view);
  auto affected = affected_by(f, out.scopes, cat.private_contexts());
  r.invalidate = std::move(affected.entries);
  r.invalidate_json = std::move(affected.json);
  return r;
}

std::string run_context(const context_def& ctx, const boost::json::object& params, call& c) {
  for (const auto* f : ctx.functions) check_access(*f, c);
  detail::invoke_output out;
  out.result.reserve(1024);  // most bundles fit: one allocation
  out.result = '{';
  boost::json::object args;
  for (const auto* f : ctx.functions) {
    args.clear();
    for (const auto& field : f->fields) {
      if (const auto* v = params.if_contains(field.name)) args.emplace(field.name, *v);
    }
    if (out.result.size() > 1) out.result += ',';
    detail::append_json_string(out.result, f->name);
    out.result += ':';
    // Each function appends its result to the bundle's text.
    f->invoke(c, args, &check_rules, out);
  }
  out.result += '}';
  return std::move(out.result);
}

}  // namespace mizan::server
