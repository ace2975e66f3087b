// What a server function sees of the request that called it.
#pragma once

#include "mizan/user.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mizan {

namespace db {
class connection;
}
namespace detail {
struct call_state;
}
template <class Message>
class channel;

/// Access tokens issued by `call::issue_tokens` (PROTOCOL.md §9, `auth_token`).
struct token_pair {
  std::string access;
  std::string refresh;
  std::int64_t expires_in = 0;  ///< seconds until `access` expires
};
BOOST_DESCRIBE_STRUCT(token_pair, (), (access, refresh, expires_in))

/// A plain-text mail for `call::send_mail`, from MIZAN_MAIL_FROM.
struct mail_message {
  std::string to;       ///< a bare address: user@host
  std::string subject;  ///< one line, UTF-8
  std::string text;     ///< UTF-8
};

/// What the account functions read of the configuration: the base of the
/// links they mail (MIZAN_PUBLIC_URL, no trailing slash) and the lifetimes
/// of their tokens (MIZAN_PASSWORD_RESET_TTL, MIZAN_EMAIL_VERIFY_TTL).
struct account_settings {
  std::string public_url;
  std::int64_t password_reset_seconds = 3600;
  std::int64_t email_verify_seconds = 48 * 3600;
};

/// The request a function runs for: who called, from where, with which
/// database connection. Passed by reference to every server function; valid
/// only during that call. Not thread-safe: one call, one thread.
class call {
 public:
  /// Made by the server for each call; functions only receive one.
  explicit call(detail::call_state& state) : state_(&state) {}

  /// The signed-in user, if any.
  const std::optional<mizan::user>& user() const;
  /// The signed-in user; throws `unauthenticated` (401) when there is none.
  const mizan::user& require_user() const;
  /// This thread's database connection.
  db::connection& db() const;
  /// A request header (case-insensitive), empty when absent.
  std::string_view header(std::string_view name) const;
  std::string_view remote_address() const;
  /// True when the caller authenticated with `Authorization: Bearer`.
  bool uses_bearer_token() const;

  /// Signs `u` in for this browser: a new session (rotated id and CSRF
  /// token), the MWT cookie. With `end_other_sessions`, every other session
  /// of `u` ends too (after a password change). For accounts code.
  void sign_in(const mizan::user& u, bool end_other_sessions = false);
  /// Ends the session, clears its cookies.
  void sign_out();
  /// Says that this call changed private data of user `id` (besides the
  /// caller's): the user's WebSocket clients are told of the private
  /// contexts it affects, as the caller's are. For sharing, assignment and
  /// admin edits.
  void affects_user(std::int64_t id);
  /// Publishes `message` on channel `ch` (include "mizan/channel.hpp"). In a
  /// mutation it is sent once the call's writes are committed, and not at
  /// all if they are rolled back; in a read, at once.
  template <class Message>
  void publish(const channel<Message>& ch, const Message& message);
  /// `publish` with the message already encoded as JSON text.
  void publish_json(std::string_view channel, std::string json);
  /// Queues `m` to be sent once this mutation's writes are committed (not at
  /// all if they are rolled back); never waits for the mail server, so the
  /// answer takes as long whether or not a mail goes out. Without
  /// MIZAN_SMTP_URL the mail is written to the log. A function that only
  /// reads (a context) sends none.
  /// Errors: `validation` (422, field `email`) for an address that cannot
  /// go into a mail header; std::invalid_argument for a subject with a
  /// line break or another control character.
  void send_mail(mail_message m);
  /// The settings the account functions read.
  account_settings accounts() const;
  /// Issues an access and a refresh JWT for `u`. The refresh token is bound
  /// to `u`'s current password: changing or resetting it revokes the token.
  token_pair issue_tokens(const mizan::user& u) const;
  /// The user id of a valid refresh token issued under the user's current
  /// password, or nullopt.
  std::optional<std::int64_t> verify_refresh_token(std::string_view token) const;

 private:
  detail::call_state* state_;
};

}  // namespace mizan
