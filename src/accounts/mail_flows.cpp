#include "accounts/mail_flows.hpp"

#include "accounts/tokens.hpp"
#include "mizan/db.hpp"
#include "mizan/error.hpp"
#include "mizan/users.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>

namespace mizan::accounts {
namespace {

// At most this many mails of one kind to one address an hour, whoever asks:
// the reset form cannot be used to flood someone's mailbox. Counted in the
// database, so every instance agrees.
constexpr std::int64_t mails_per_window = 3;
constexpr std::int64_t mail_window = 3600;
// PostgreSQL's advisory lock key for counting mails ("mail" in ASCII).
constexpr std::int64_t mail_lock = 0x6d61696c;

std::int64_t unix_now() {
  return static_cast<std::int64_t>(std::time(nullptr));
}

[[noreturn]] void invalid_token() {
  throw error(400, "invalid_token", "This link is invalid or has expired.");
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return out;
}

struct account_row {
  std::int64_t id;
  std::string username;
  std::string email;
};
BOOST_DESCRIBE_STRUCT(account_row, (), (id, username, email))

// Under the limit: a token is stored (in the caller's transaction) and
// returned; over it, nothing. Concurrent requests on PostgreSQL queue on one
// advisory lock, so they cannot each count without the others (SQLite's
// transaction holds the one write lock already).
std::optional<std::string> reserve_token(call& c, std::int64_t user_id, std::string_view purpose,
                                         std::string_view email, std::int64_t ttl) {
  auto& db = c.db();
  const auto now = unix_now();
  return db.transaction([&]() -> std::optional<std::string> {
    if (db.engine() == db::engine::postgresql)
      db.exec("SELECT pg_advisory_xact_lock(?)", mail_lock);
    if (tokens::recent(db, purpose, email, mail_window, now) >= mails_per_window) {
      return std::nullopt;
    }
    return tokens::issue(db, user_id, purpose, email, ttl, now);
  });
}

std::string link(call& c, std::string_view page, const std::string& token) {
  return c.accounts().public_url + "/" + std::string(page) + "?token=" + token;
}

}  // namespace

sent_result password_reset_request(call& c, const reset_request_args& a) {
  // The answer is the same whether or not an account has this address, and
  // the mail goes out after the answer, through a queue: neither the body
  // nor the SMTP exchange's time tells who has an account.
  const auto accounts = c.db().query<account_row>(
      "SELECT id, username, email FROM mizan_users WHERE email <> '' AND lower(email) = lower(?) "
      "ORDER BY id",
      a.email);
  const auto ttl = c.accounts().password_reset_seconds;
  for (const auto& account : accounts) {
    const auto token = reserve_token(c, account.id, "reset", account.email, ttl);
    if (!token) break;
    c.send_mail({account.email, "Reset your password",
                 "Someone asked to reset the password of the account " + account.username +
                     ".\n\nTo choose a new password, open this link within " +
                     std::to_string(std::max<std::int64_t>(1, ttl / 60)) + " minutes:\n\n" +
                     link(c, "reset-password", *token) +
                     "\n\nIf it was not you, ignore this mail: your password stays as it is.\n"});
  }
  return {};
}

user_result password_reset(call& c, const reset_args& a) {
  auto& db = c.db();
  // One transaction (an unbatched function has no other): a weak password
  // throws after the token was taken, and puts it back.
  auto u = db.transaction([&] {
    const auto used = tokens::consume(db, a.token, "reset", unix_now());
    if (!used) invalid_token();
    auto found = users::find(db, used->user_id);
    // A link mailed to an address the account no longer has opens nothing.
    if (!found || lower(found->email) != lower(used->email)) invalid_token();
    // Also deletes the user's other reset tokens.
    users::set_password(db, found->id, a.password);
    return *found;
  });
  // Whoever had the old password is signed out everywhere; the caller in.
  c.sign_in(u, /*end_other_sessions=*/true);
  return {u};
}

void send_verification(call& c, const mizan::user& u) {
  const auto ttl = c.accounts().email_verify_seconds;
  const auto token = reserve_token(c, u.id, "verify", u.email, ttl);
  if (!token) return;
  c.send_mail({u.email, "Verify your email address",
               "To confirm that " + u.email + " is the address of the account " + u.username +
                   ", open this link within " +
                   std::to_string(std::max<std::int64_t>(1, ttl / 3600)) + " hours:\n\n" +
                   link(c, "verify-email", *token) +
                   "\n\nIf you did not sign up, ignore this mail.\n"});
}

user_result email_verify_request(call& c) {
  const auto u = users::find(c.db(), c.require_user().id);
  if (!u || u->email.empty()) {
    throw error(errc::validation, "Invalid input.",
                {{"email", {"Your account has no email address."}}});
  }
  send_verification(c, *u);
  return {u};
}

user_result email_verify(call& c, const verify_args& a) {
  auto& db = c.db();
  db.transaction([&] {
    const auto used = tokens::consume(db, a.token, "verify", unix_now());
    if (!used) invalid_token();
    const auto u = users::find(db, used->user_id);
    if (!u || u->email.empty() || lower(u->email) != lower(used->email)) invalid_token();
    db.exec("UPDATE mizan_users SET email_verified = 1 WHERE id = ?", u->id);
    db.exec("DELETE FROM mizan_account_tokens WHERE user_id = ? AND purpose = 'verify'", u->id);
  });
  if (!c.user()) return {std::nullopt};
  return {users::find(db, c.user()->id)};
}

}  // namespace mizan::accounts
