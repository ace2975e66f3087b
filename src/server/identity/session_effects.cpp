#include "server/identity/session_effects.hpp"

#include "auth/mwt.hpp"
#include "core/crypto.hpp"
#include "server/endpoints/responses.hpp"
#include "server/identity/cookies.hpp"
#include "server/identity/csrf.hpp"

namespace mizan::server {

std::string csrf_cookie(const identity_services& svc, std::string_view token) {
  return set_cookie(cookie_names_for(svc.cfg.secure_cookies).csrf, token,
                    {.http_only = true, .secure = svc.cfg.secure_cookies, .max_age = std::nullopt});
}

std::string anonymous_csrf_token(const identity_services& svc, const caller& from, bool& fresh) {
  fresh = false;
  if (auto token = find_only_cookie(from.cookies, cookie_names_for(svc.cfg.secure_cookies).csrf);
      token && csrf_token_is_genuine(svc.cfg.secret_key, *token)) {
    return std::string(*token);
  }
  fresh = true;
  return make_csrf_token(svc.cfg.secret_key);
}

void check_csrf(const identity_services& svc, const caller& from, const identity& who,
                std::string_view form_token) {
  if (who.bearer) return;  // no cookie is relied on
  if (from.origin && !origin_allowed(*from.origin, svc.allowed_origins)) {
    throw error(errc::csrf_failed, "Origin not allowed.");
  }
  const std::string_view sent = from.csrf_token.value_or(form_token);
  if (sent.empty()) throw error(errc::csrf_failed, "CSRF token missing.");
  if (who.session) {
    if (!crypto::constant_time_equal(sent, who.session->csrf_token)) {
      throw error(errc::csrf_failed, "CSRF token incorrect.");
    }
    return;
  }
  // Several different CSRF cookies are ambiguous (one may be planted): refused.
  const auto cookie = find_only_cookie(from.cookies, cookie_names_for(svc.cfg.secure_cookies).csrf);
  if (!cookie || !crypto::constant_time_equal(sent, *cookie) ||
      !csrf_token_is_genuine(svc.cfg.secret_key, sent)) {
    throw error(errc::csrf_failed, "CSRF token incorrect.");
  }
}

void apply_session_change(const identity_services& svc, const identity& who,
                          const detail::call_state& state, http::response& res) {
  if (state.end_other_sessions && state.signed_in) svc.sessions->destroy_user(state.signed_in->id);
  if (state.change == detail::session_change::none || who.bearer) return;
  if (!who.session_id.empty()) svc.sessions->destroy(who.session_id);
  const cookie_options secure{
      .http_only = true, .secure = svc.cfg.secure_cookies, .max_age = std::nullopt};
  const std::string csrf = make_csrf_token(svc.cfg.secret_key);
  const auto& names = cookie_names_for(svc.cfg.secure_cookies);
  if (state.change == detail::session_change::sign_in && state.signed_in) {
    const std::string id = crypto::random_token(32);
    const auto expires = unix_now() + svc.cfg.session_seconds;
    svc.sessions->save(id, session_record{state.signed_in->id, csrf, expires});
    auto opts = secure;
    opts.max_age = svc.cfg.session_seconds;
    add_header(res, "Set-Cookie", set_cookie(names.session, id, opts));
    add_header(res, "Set-Cookie",
               set_cookie(names.mwt,
                          auth::mwt_issue(svc.cfg.mwt_secret, std::to_string(state.signed_in->id),
                                          expires),
                          opts));
  } else {
    auto gone = secure;
    gone.max_age = 0;
    add_header(res, "Set-Cookie", set_cookie(names.session, "", gone));
    add_header(res, "Set-Cookie", set_cookie(names.mwt, "", gone));
  }
  add_header(res, "Set-Cookie", csrf_cookie(svc, csrf));
  // The client's token changed with the session: hand it the new one.
  add_header(res, "X-CSRF-Token", csrf);
}

}  // namespace mizan::server
