#include "server/endpoints/mutation_answer.hpp"

#include "server/endpoints/responses.hpp"
#include "server/identity/identity.hpp"
#include "server/identity/session_effects.hpp"

namespace mizan::server {

call_result run_mutation(services& svc, const function_def& f, const boost::json::object& args,
                         call& c) {
  // The one check production pays: the observation and the check exist in
  // debug mode only.
  if (!svc.invalidation_check) return run_function(svc.cat, f, args, c);
  db::detail::table_observation seen;
  auto result = run_function(svc.cat, f, args, c);
  result.warnings = svc.invalidation_check->mutation_wrote(svc.cat, f, seen.tables());
  return result;
}

void finish_mutation(services& svc, const identity& who, const detail::call_state& state,
                     call_result& result, http::response& res, mutation_effects& effects) {
  add_header(res, "Cache-Control", "no-store");
  for (auto& warning : result.warnings) add_header(res, "X-Mizan-Warning", std::move(warning));
  apply_session_change(svc.identity_view, who, state, res);
  effects.invalidate = std::move(result.invalidate);
  if (who.user) effects.user_id = who.user->id;
  effects.other_users = state.affected_users;
  effects.published = state.published;
  effects.mails = state.mails;
  if (state.change != detail::session_change::none && !who.bearer) {
    effects.ended_session = session_tag(who.session_id);
  }
  if (state.end_other_sessions && state.signed_in) effects.ended_sessions_of = state.signed_in->id;
  if (state.change == detail::session_change::sign_in && state.signed_in) {
    effects.signed_in = state.signed_in->id;
  }
}

}  // namespace mizan::server
