#include "mail/message.hpp"

#include "core/crypto.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace mizan::mail {
namespace {

bool is_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return c < 0x80; });
}

std::string base64(std::string_view in) {
  static constexpr char alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned v = static_cast<unsigned char>(in[i]) << 16 |
                       static_cast<unsigned char>(in[i + 1]) << 8 |
                       static_cast<unsigned char>(in[i + 2]);
    out += {alphabet[v >> 18], alphabet[(v >> 12) & 63], alphabet[(v >> 6) & 63], alphabet[v & 63]};
  }
  if (i + 1 == in.size()) {
    const unsigned v = static_cast<unsigned char>(in[i]) << 16;
    out += {alphabet[v >> 18], alphabet[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == in.size()) {
    const unsigned v =
        static_cast<unsigned char>(in[i]) << 16 | static_cast<unsigned char>(in[i + 1]) << 8;
    out += {alphabet[v >> 18], alphabet[(v >> 12) & 63], alphabet[(v >> 6) & 63], '='};
  }
  return out;
}

// RFC 2047 encoded words of at most 75 characters, folded onto lines of
// their own; a UTF-8 sequence is never split between two words.
std::string encoded_subject(std::string_view subject) {
  if (is_ascii(subject)) return std::string(subject);
  std::string out;
  while (!subject.empty()) {
    std::size_t n = std::min<std::size_t>(subject.size(), 45);
    while (n < subject.size() && (static_cast<unsigned char>(subject[n]) & 0xC0) == 0x80) --n;
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base64(subject.substr(0, n)) + "?=";
    subject.remove_prefix(n);
  }
  return out;
}

// Any mix of CRLF, LF and CR becomes CRLF.
std::string crlf_lines(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32 + 2);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      out += "\r\n";
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else if (text[i] == '\n') {
      out += "\r\n";
    } else {
      out += text[i];
    }
  }
  if (!out.ends_with("\r\n")) out += "\r\n";
  return out;
}

}  // namespace

void check_address(std::string_view address) {
  const auto at = address.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == address.size()) {
    throw std::invalid_argument("a mail address must be local@domain");
  }
  for (const char ch : address) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= ' ' || c >= 0x7f ||
        std::string_view("<>,;:\"()[]\\").find(ch) != std::string_view::npos) {
      throw std::invalid_argument("a mail address holds a character it may not hold");
    }
  }
}

std::string format_message(const message& m, std::time_t date, std::string_view message_id) {
  check_address(m.from);
  check_address(m.to);
  if (std::any_of(m.subject.begin(), m.subject.end(),
                  [](unsigned char c) { return c < ' ' || c == 0x7f; })) {
    throw std::invalid_argument("a mail subject holds a control character");
  }
  return fmt::format(
      "Date: {:%a, %d %b %Y %H:%M:%S +0000}\r\n"
      "Message-ID: <{}>\r\n"
      "From: {}\r\n"
      "To: {}\r\n"
      "Subject: {}\r\n"
      "MIME-Version: 1.0\r\n"
      "Content-Type: text/plain; charset=utf-8\r\n"
      "Content-Transfer-Encoding: 8bit\r\n"
      "\r\n"
      "{}",
      fmt::gmtime(date), message_id, m.from, m.to, encoded_subject(m.subject), crlf_lines(m.text));
}

std::string new_message_id(std::string_view from) {
  const auto at = from.rfind('@');
  const auto domain =
      at == std::string_view::npos ? std::string_view("localhost") : from.substr(at + 1);
  return fmt::format("{}@{}", crypto::random_token(16), domain);
}

std::string dot_stuffed(std::string_view formatted) {
  std::string out;
  out.reserve(formatted.size() + 8);
  bool line_start = true;
  for (const char c : formatted) {
    if (line_start && c == '.') out += '.';
    out += c;
    line_start = c == '\n';
  }
  if (!out.ends_with("\r\n")) out += "\r\n";
  out += ".\r\n";
  return out;
}

}  // namespace mizan::mail
