#include "server/identity/identity.hpp"

#include "core/crypto.hpp"
#include "mizan/error.hpp"
#include "mizan/users.hpp"
#include "server/identity/cookies.hpp"

#include <array>
#include <charconv>
#include <ctime>

namespace mizan::server {

std::string session_tag(std::string_view session_key) {
  if (session_key.empty()) return {};
  const auto digest = crypto::sha256(session_key);
  return crypto::to_hex(digest.data(), 16);
}

std::int64_t unix_now() {
  return static_cast<std::int64_t>(std::time(nullptr));
}

namespace {

// Several session cookies in one request are ambiguous: one may have been
// planted by a sibling subdomain (cookie tossing) to sign the user out or to
// fix a session of the attacker's choosing. The caller is signed in only when
// exactly one of them names a live session; with two live ones, nobody is.
void sign_in_by_cookie(const identity_services& svc, db::connection& db, std::string_view header,
                       identity& who) {
  std::array<std::string_view, 4> ids;
  const auto name = cookie_names_for(svc.cfg.secure_cookies).session;
  const auto count = find_cookies(header, name, ids);
  if (count > ids.size()) return;  // a flood of session cookies is nobody
  const auto now = unix_now();
  for (std::size_t i = 0; i < count; ++i) {
    const auto id = ids[i];
    if (id.empty() || id.size() > 128 || id == who.session_id) continue;
    auto signed_in = svc.sessions->load_signed_in(db, id, now);
    if (!signed_in) continue;
    if (who.session) {
      who = identity{};
      return;
    }
    who.user = std::move(signed_in->user);
    who.session_id = std::string(id);
    who.session = std::move(signed_in->record);
  }
}

}  // namespace

detail::call_state call_state_for(const identity_services& svc, const caller& from,
                                  const identity& who) {
  detail::call_state state;
  state.services = &svc;
  state.caller = &from;
  state.user = who.user;
  state.bearer = who.bearer;
  return state;
}

namespace {

/// The user id of a verified access token, or nothing.
std::optional<std::int64_t> bearer_subject(const auth::jwt_verifier& jwt, std::string_view token) {
  const auto result = jwt.verify(token, "access");
  if (!result.ok()) return std::nullopt;
  std::int64_t id = 0;
  const auto& sub = result.claims().sub;
  const auto [end, ec] = std::from_chars(sub.data(), sub.data() + sub.size(), id);
  if (ec != std::errc{} || end != sub.data() + sub.size()) return std::nullopt;
  return id;
}

}  // namespace

bool verify_bearer(const auth::jwt_verifier& jwt, caller& from) {
  if (!from.bearer || from.bearer_user_id) return true;
  from.bearer_user_id = bearer_subject(jwt, *from.bearer);
  return from.bearer_user_id.has_value();
}

identity resolve_identity(const identity_services& svc, const caller& from) {
  identity who;
  auto& db = svc.database.connection();
  {
    if (const auto token = from.bearer) {
      const auto id = from.bearer_user_id ? from.bearer_user_id : bearer_subject(svc.jwt, *token);
      if (!id) throw error(errc::unauthenticated, "Invalid or expired token.");
      who.user = users::find(db, *id);
      if (!who.user) throw error(errc::unauthenticated, "Invalid or expired token.");
      who.bearer = true;
      return who;
    }
  }
  if (!from.cookies.empty()) sign_in_by_cookie(svc, db, from.cookies, who);
  return who;
}

}  // namespace mizan::server
