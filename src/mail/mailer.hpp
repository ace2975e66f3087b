// Sends mail from a thread of its own, so that no request ever waits for an
// SMTP server: a function queues a message and returns.
#pragma once

#include "mail/message.hpp"
#include "mail/smtp_url.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace mizan::mail {

namespace detail {
struct mailer_state;
}

struct mailer_options {
  /// Where mail goes; none: each message is written to `log` instead (for
  /// development, like Django's console backend).
  std::optional<smtp_url> server;
  /// The From address of messages that name none.
  std::string from = "mizan@localhost";
  std::string ehlo_name = "localhost";
  /// Messages waiting at most; beyond it send() refuses (and logs).
  std::size_t max_queue = 1000;
  /// Bounds connecting and then each reply (smtp_client.hpp).
  std::chrono::milliseconds timeout{10000};
  /// After a temporary failure (refused, timed out, 4xx) the message is
  /// tried again after `first_backoff`, doubling to `max_backoff`, until it
  /// has waited `give_up_after`.
  std::chrono::milliseconds first_backoff{500};
  std::chrono::milliseconds max_backoff{60000};
  std::chrono::milliseconds give_up_after{std::chrono::hours(24)};
  /// Gets one line per outage, recovery, message given up, refusal and
  /// shutdown with mail unsent (and every message, without a server).
  /// Called on the mailer's thread or in send(). May be empty.
  std::function<void(std::string_view)> log;
};

/// Delivers queued messages one after another, in order, on one background
/// thread with its own io_context.
///
/// A temporary failure keeps the message at the head of the queue and
/// retries it with a backoff; a 5xx reply gives it up. The log gets one line
/// when an outage starts and one when mail goes through again, not one per
/// attempt. Destruction stops at once, even mid-delivery, and logs how many
/// messages were never sent.
class mailer {
 public:
  /// Starts the thread (none without a server).
  /// Errors: std::system_error when the thread cannot start;
  /// boost::system::system_error when TLS is asked for and the system's
  /// certificate paths cannot be loaded.
  explicit mailer(mailer_options options);
  ~mailer();
  mailer(const mailer&) = delete;
  mailer& operator=(const mailer&) = delete;

  /// Queues `m` (an empty `from` is the options' one) and returns at once.
  /// Returns: false when the queue is full (the message is dropped and
  /// logged).
  /// Errors: std::invalid_argument for a malformed address or subject
  /// (format_message), before anything is queued.
  /// Thread-safe.
  bool send(message m);

  struct stats {
    std::uint64_t sent = 0, attempts_failed = 0, given_up = 0, refused = 0, queued = 0;
  };
  /// Thread-safe.
  stats statistics() const;

 private:
  std::unique_ptr<detail::mailer_state> state_;
};

}  // namespace mizan::mail
