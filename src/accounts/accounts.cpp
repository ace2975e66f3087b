#include "mizan/accounts.hpp"

#include "mizan/db.hpp"
#include "mizan/users.hpp"

namespace mizan::accounts {
namespace {

struct user_result {
  std::optional<mizan::user> user;
};
BOOST_DESCRIBE_STRUCT(user_result, (), (user))

struct signup_args {
  std::string username;
  std::string password;
  std::optional<std::string> email;
};
BOOST_DESCRIBE_STRUCT(signup_args, (), (username, password, email))

struct login_args {
  std::string username;
  std::string password;
};
BOOST_DESCRIBE_STRUCT(login_args, (), (username, password))

struct refresh_args {
  std::string refresh;
};
BOOST_DESCRIBE_STRUCT(refresh_args, (), (refresh))

struct password_change_args {
  std::string old_password;
  std::string new_password;
};
BOOST_DESCRIBE_STRUCT(password_change_args, (), (old_password, new_password))

[[noreturn]] void bad_credentials() {
  throw error(errc::unauthenticated, "Invalid username or password.");
}

user_result signup(call& c, const signup_args& a) {
  const auto u = users::create(c.db(), {a.username, a.email.value_or(""), a.password});
  if (!c.uses_bearer_token()) c.sign_in(u);
  return {u};
}

user_result login(call& c, const login_args& a) {
  auto u = users::authenticate(c.db(), a.username, a.password);
  if (!u) bad_credentials();
  c.sign_in(*u);
  return {u};
}

user_result logout(call& c) {
  c.sign_out();
  return {std::nullopt};
}

token_pair token(call& c, const login_args& a) {
  auto u = users::authenticate(c.db(), a.username, a.password);
  if (!u) bad_credentials();
  return c.issue_tokens(*u);
}

token_pair refresh(call& c, const refresh_args& a) {
  const auto id = c.verify_refresh_token(a.refresh);
  const auto u = id ? users::find(c.db(), *id) : std::nullopt;
  if (!u) throw error(errc::unauthenticated, "Invalid or expired refresh token.");
  return c.issue_tokens(*u);
}

user_result password_change(call& c, const password_change_args& a) {
  const auto& u = c.require_user();
  if (!users::check_password(c.db(), u.id, a.old_password)) {
    throw error(errc::validation, "Invalid input.",
                {{"old_password", {"Your old password was entered incorrectly."}}});
  }
  users::set_password(c.db(), u.id, a.new_password, "new_password");
  // Signed out everywhere else; a new session here.
  c.sign_in(u, /*end_other_sessions=*/true);
  return {u};
}

}  // namespace

void register_functions(registry& app) {
  // The four that hash or check a password (tens of milliseconds of Argon2id)
  // are unbatched: in the write lane they would hold up every other write.
  app.add("auth_signup", &signup)
      .unbatched()
      .affects_private_contexts()
      .validate("username", {.required = true, .max_length = 150})
      .validate("password", {.required = true, .min_length = 8, .max_length = 256})
      .validate("email", {.email = true});
  app.add("auth_login", &login)
      .unbatched()
      .affects_private_contexts()
      .validate("username", {.required = true})
      .validate("password", {.required = true});
  app.add("auth_logout", &logout).affects_private_contexts();
  // Token issuing reads and sets no cookie, so a token-mode client (which
  // never calls session/) needs no CSRF token for it.
  app.add("auth_token", &token)
      .unbatched()
      .csrf_exempt()
      .validate("username", {.required = true})
      .validate("password", {.required = true});
  app.add("auth_refresh", &refresh).csrf_exempt().validate("refresh", {.required = true});
  app.add("auth_password_change", &password_change)
      .unbatched()
      .auth(auth_level::user)
      .affects_private_contexts()
      .validate("old_password", {.required = true})
      .validate("new_password", {.required = true, .min_length = 8, .max_length = 256});
}

}  // namespace mizan::accounts
