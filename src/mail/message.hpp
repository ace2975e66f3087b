// One plain-text mail, written as RFC 5322 text for SMTP's DATA.
#pragma once

#include <ctime>
#include <string>
#include <string_view>

namespace mizan::mail {

struct message {
  std::string from;  ///< a bare address: user@host
  std::string to;
  std::string subject;  ///< UTF-8, one line
  /// UTF-8; any line endings. Lines are not folded: keep each under 998
  /// bytes (RFC 5322 §2.1.1), as links and prose are.
  std::string text;
};

/// Throws std::invalid_argument unless `address` is a bare `local@domain` of
/// printable ASCII with none of the characters that would end or extend a
/// header or an SMTP command (CR, LF, space, `<>,;:"()[]\`).
void check_address(std::string_view address);

/// The message as RFC 5322 text: Date, Message-ID, From, To, Subject
/// (RFC 2047 encoded when not ASCII), MIME-Version and a text/plain UTF-8
/// body, every line ended by CRLF. `date` is the Date header's time (UTC);
/// `message_id` is put between < and >.
/// Errors: std::invalid_argument for a bad address (check_address) or a
/// subject holding CR, LF or another control character (header injection).
std::string format_message(const message& m, std::time_t date, std::string_view message_id);

/// A unique Message-ID for a mail from `from`: random@its domain.
std::string new_message_id(std::string_view from);

/// `formatted` as SMTP's DATA sends it (RFC 5321 §4.5.2): a line starting
/// with "." gets another, and the end marker CRLF "." CRLF follows.
std::string dot_stuffed(std::string_view formatted);

}  // namespace mizan::mail
