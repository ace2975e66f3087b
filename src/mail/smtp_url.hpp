// MIZAN_SMTP_URL: where mail goes, and how (plain, STARTTLS or TLS from the
// first byte), with optional credentials.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mizan::mail {

enum class smtp_security {
  none,      ///< smtp://: plain text (a local relay)
  starttls,  ///< smtp+starttls://: plain, then STARTTLS before anything else
  tls,       ///< smtps://: TLS from the first byte (port 465)
};

struct smtp_url {
  smtp_security security = smtp_security::none;
  std::string host;
  std::uint16_t port = 25;
  std::string username;  ///< "" : no AUTH
  std::string password;
};

/// Parses `smtp://[user:pass@]host[:port]`, `smtp+starttls://...` or
/// `smtps://...` (user and password percent-encoded; IPv6 hosts in
/// brackets). Default ports: 25, 587 and 465.
/// Errors: std::invalid_argument with a message that never repeats the
/// password.
smtp_url parse_smtp_url(std::string_view url);

}  // namespace mizan::mail
