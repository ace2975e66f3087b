// One SMTP delivery (RFC 5321) on Asio: connect, EHLO, STARTTLS when asked,
// AUTH PLAIN when credentials are given, MAIL FROM, RCPT TO, DATA, QUIT.
#pragma once

#include "mail/smtp_url.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <string>

namespace mizan::mail {

/// What became of one attempt.
enum class delivery_status {
  sent,       ///< the server took the message (250 after DATA)
  temporary,  ///< try again later: refused, timed out, closed, TLS failed, or a 4xx reply
  permanent,  ///< give up: a 5xx reply
};

struct delivery {
  delivery_status status = delivery_status::temporary;
  std::string detail;  ///< why, for the log ("" when sent)
};

struct delivery_request {
  std::string from;  ///< envelope sender, a checked bare address
  std::string to;    ///< envelope recipient, likewise
  std::string data;  ///< the message already dot-stuffed and ended (dot_stuffed)
  std::string ehlo_name = "localhost";
  /// Bounds the connection (resolving, connecting, the TLS handshake) and
  /// then every single reply awaited and every write.
  std::chrono::milliseconds timeout{10000};
};

/// Delivers one message to `server` on the calling coroutine's executor.
/// TLS (smtps, or after STARTTLS) verifies the server's certificate and name
/// with `tls`, which the caller configures (verify paths).
/// Errors: none thrown for the network or the server: every failure is a
/// `delivery` value. Never blocks the thread.
boost::asio::awaitable<delivery> deliver(const smtp_url& server, boost::asio::ssl::context& tls,
                                         const delivery_request& request);

}  // namespace mizan::mail
