#include "mizan/accounts.hpp"

#include "accounts/mail_flows.hpp"
#include "mizan/db.hpp"
#include "mizan/users.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <string>

namespace mizan::accounts {
namespace {

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

// Password guessing: at most `max_failures` sign-ins for one username are
// checked against its password within `failure_window` seconds unless one of
// them succeeds; past that the username is refused (429, with Retry-After)
// until the oldest failure leaves the window, even with the right password.
// Kept in the database, so every server process counts the same failures.
// Keyed by username only: a client address behind a proxy says little, and
// guessing from many addresses is the attack to stop.
constexpr std::int64_t max_failures = 5;
constexpr std::int64_t failure_window = 15 * 60;
// PostgreSQL's advisory lock key for sign-in attempts ("login" in ASCII).
constexpr std::int64_t login_lock = 0x6c6f67696e;

struct failure_count {
  std::int64_t failures;
  std::optional<std::int64_t> oldest;
};
BOOST_DESCRIBE_STRUCT(failure_count, (), (failures, oldest))

std::int64_t unix_now() {
  return static_cast<std::int64_t>(std::time(nullptr));
}

// An attempt is recorded as a failure *before* its password is checked, and
// counted with the failures already recorded, in one write transaction: so
// however many guesses arrive at once, on however many workers or processes
// sharing the database, no more than `max_failures` are ever checked. A
// refused attempt is rolled back: it is not a failure and does not stretch
// the lock-out. One transaction is also one commit (one fsync) per attempt.
void reserve_attempt(call& c, const std::string& username) {
  const auto now = unix_now();
  c.db().transaction([&] {
    // SQLite's transaction holds the one write lock. PostgreSQL's READ
    // COMMITTED would let concurrent attempts each count without the
    // others: they queue on one advisory lock (held to the commit; the
    // transaction is three short statements, the password is hashed after).
    if (c.db().engine() == db::engine::postgresql) {
      c.db().exec("SELECT pg_advisory_xact_lock(?)", login_lock);
    }
    // Every attempt ages out the expired failures, of every username:
    // guesses at made-up names must not grow the table for ever.
    c.db().exec("DELETE FROM mizan_login_failures WHERE at <= ?", now - failure_window);
    c.db().exec("INSERT INTO mizan_login_failures (username, at) VALUES (?, ?)", username, now);
    const auto count = c.db().query_one<failure_count>(
        "SELECT count(*) AS failures, min(at) AS oldest FROM mizan_login_failures "
        "WHERE username = ? AND at > ?",
        username, now - failure_window);
    if (count.failures <= max_failures) return;
    const auto wait = std::max<std::int64_t>(1, count.oldest.value_or(now) + failure_window - now);
    throw error(errc::rate_limited, "Too many failed sign-ins. Try again later.")
        .with_header("Retry-After", std::to_string(wait));
  });
}

// Names sign in whatever their case, so guesses are counted per folded
// name: `ALICE` and `alice` share one limit.
std::string folded(std::string_view username) {
  std::string out(username);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return out;
}

std::optional<mizan::user> checked_sign_in(call& c, const login_args& a) {
  // Names are ASCII (users::create). PostgreSQL's lower() would fold some
  // other letters to ASCII ones (the Kelvin sign to `k`), spellings that
  // would each get a limit of their own: they name nobody.
  if (std::any_of(a.username.begin(), a.username.end(),
                  [](unsigned char ch) { return ch >= 0x80; })) {
    bad_credentials();
  }
  const std::string key = folded(a.username);
  reserve_attempt(c, key);
  auto u = users::authenticate(c.db(), a.username, a.password);
  // A failure stays recorded (its reservation); a success clears them all.
  if (!u) bad_credentials();
  c.db().exec("DELETE FROM mizan_login_failures WHERE username = ?", key);
  return u;
}

user_result signup(call& c, const signup_args& a) {
  const auto u = users::create(c.db(), {a.username, a.email.value_or(""), a.password});
  if (!u.email.empty()) send_verification(c, u);
  if (!c.uses_bearer_token()) c.sign_in(u);
  return {u};
}

user_result login(call& c, const login_args& a) {
  auto u = checked_sign_in(c, a);
  c.sign_in(*u);
  return {u};
}

user_result logout(call& c) {
  c.sign_out();
  return {std::nullopt};
}

token_pair token(call& c, const login_args& a) {
  return c.issue_tokens(*checked_sign_in(c, a));
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
  // Password reset and email verification (docs/accounts.md). The request
  // answers {"sent": true} whoever has the address; the reset signs in.
  app.add("auth_password_reset_request", &password_reset_request)
      .validate("email", {.required = true, .max_length = 254, .email = true});
  app.add("auth_password_reset", &password_reset)
      .unbatched()
      .affects_private_contexts()
      .validate("token", {.required = true, .max_length = 64})
      .validate("password", {.required = true, .min_length = 8, .max_length = 256});
  app.add("auth_email_verify_request", &email_verify_request).auth(auth_level::user);
  app.add("auth_email_verify", &email_verify)
      .affects_private_contexts()
      .validate("token", {.required = true, .max_length = 64});
}

}  // namespace mizan::accounts
