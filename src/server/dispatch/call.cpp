// mizan::call: what a server function may ask of its request.
#include "mizan/call.hpp"

#include "auth/jwt.hpp"
#include "core/crypto.hpp"
#include "mail/message.hpp"
#include "mizan/db.hpp"
#include "mizan/error.hpp"
#include "server/dispatch/call_state.hpp"
#include "server/dispatch/caller.hpp"
#include "server/identity/identity.hpp"
#include "server/identity/identity_services.hpp"
#include "server/identity/refresh_stamp.hpp"

#include <charconv>
#include <stdexcept>

namespace mizan {

const std::optional<mizan::user>& call::user() const {
  return state_->user;
}

const mizan::user& call::require_user() const {
  if (!state_->user) throw error(errc::unauthenticated, "Authentication required.");
  return *state_->user;
}

db::connection& call::db() const {
  return state_->services->database.connection();
}

std::string_view call::header(std::string_view name) const {
  return state_->caller ? state_->caller->header(name) : std::string_view{};
}

std::string_view call::remote_address() const {
  return state_->caller ? state_->caller->remote_address : std::string_view{};
}

bool call::uses_bearer_token() const {
  return state_->bearer;
}

void call::sign_in(const mizan::user& u, bool end_other_sessions) {
  state_->change = detail::session_change::sign_in;
  state_->end_other_sessions = end_other_sessions;
  state_->signed_in = u;
  state_->user = u;
}

void call::sign_out() {
  state_->change = detail::session_change::sign_out;
  state_->signed_in.reset();
  state_->user.reset();
}

void call::publish_json(std::string_view channel, std::string json) {
  state_->published.emplace_back(std::string(channel), std::move(json));
}

void call::send_mail(mail_message m) {
  try {
    mail::check_address(m.to);
  } catch (const std::invalid_argument&) {
    throw error(errc::validation, "Invalid input.",
                {{"email", {"This address cannot receive mail."}}});
  }
  // Refused now, in the call, rather than on the mailer's thread.
  mail::format_message({"a@b", m.to, m.subject, {}}, 0, "x@y");
  state_->mails.push_back(std::move(m));
}

account_settings call::accounts() const {
  const auto& svc = *state_->services;
  const auto& cfg = svc.cfg;
  std::string url = cfg.public_url;
  // By default the address served: its bound port once known.
  if (url.empty()) {
    url = cfg.origins_follow_port && !svc.allowed_origins.empty()
              ? svc.allowed_origins.front()
              : server::default_origins(cfg.host, cfg.port).front();
  }
  return {std::move(url), cfg.password_reset_seconds, cfg.email_verify_seconds};
}

void call::affects_user(std::int64_t id) {
  state_->affected_users.push_back(id);
}

token_pair call::issue_tokens(const mizan::user& u) const {
  const auto& cfg = state_->services->cfg;
  const auto now = server::unix_now();
  auth::jwt_claims access;
  access.sub = std::to_string(u.id);
  access.iat = now;
  access.exp = now + cfg.access_token_seconds;
  access.token_type = "access";
  auth::jwt_claims refresh = access;
  refresh.exp = now + cfg.refresh_token_seconds;
  refresh.token_type = "refresh";
  refresh.password_stamp = server::refresh_stamp(db(), cfg.secret_key, u.id);
  if (!refresh.password_stamp) throw error(errc::unauthenticated, "No such user.");
  return token_pair{auth::jwt_sign_hs256(access, cfg.secret_key),
                    auth::jwt_sign_hs256(refresh, cfg.secret_key), cfg.access_token_seconds};
}

std::optional<std::int64_t> call::verify_refresh_token(std::string_view token) const {
  const auto result = state_->services->jwt.verify(token, "refresh");
  if (!result.ok()) return std::nullopt;
  const auto& sub = result.claims().sub;
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(sub.data(), sub.data() + sub.size(), id);
  if (ec != std::errc{} || end != sub.data() + sub.size()) return std::nullopt;
  // Issued under another password (changed or reset since), or before
  // tokens carried the stamp: refused.
  const auto& stamp = result.claims().password_stamp;
  const auto current = server::refresh_stamp(db(), state_->services->cfg.secret_key, id);
  if (!stamp || !current || !crypto::constant_time_equal(*stamp, *current)) return std::nullopt;
  return id;
}

}  // namespace mizan
