#include "mail/smtp_url.hpp"

#include <charconv>
#include <stdexcept>

namespace mizan::mail {
namespace {

[[noreturn]] void bad(const std::string& why) {
  throw std::invalid_argument(why);
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decoded(std::string_view in, std::string_view what) {
  std::string out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out += in[i];
      continue;
    }
    const int hi = i + 2 < in.size() ? hex_value(in[i + 1]) : -1;
    const int lo = i + 2 < in.size() ? hex_value(in[i + 2]) : -1;
    if (hi < 0 || lo < 0) bad(std::string("bad percent-encoding in the ") + std::string(what));
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  // They go into AUTH PLAIN, separated by NUL: one inside would move the split.
  if (out.find('\0') != std::string::npos) bad(std::string(what) + " holds a NUL byte");
  return out;
}

}  // namespace

smtp_url parse_smtp_url(std::string_view url) {
  smtp_url out;
  std::string_view rest;
  if (url.starts_with("smtp://")) {
    rest = url.substr(7);
  } else if (url.starts_with("smtp+starttls://")) {
    out.security = smtp_security::starttls;
    out.port = 587;
    rest = url.substr(16);
  } else if (url.starts_with("smtps://")) {
    out.security = smtp_security::tls;
    out.port = 465;
    rest = url.substr(8);
  } else {
    bad("must start with smtp://, smtp+starttls:// or smtps://");
  }
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.find_first_of("/?#") != std::string_view::npos) bad("takes no path or query");
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
    const auto userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
    const auto colon = userinfo.find(':');
    if (colon == std::string_view::npos) bad("credentials must be user:password");
    out.username = percent_decoded(userinfo.substr(0, colon), "user name");
    out.password = percent_decoded(userinfo.substr(colon + 1), "password");
    if (out.username.empty()) bad("the user name is empty");
  }
  std::string_view port;
  if (rest.starts_with('[')) {
    const auto close = rest.find(']');
    if (close == std::string_view::npos) bad("an IPv6 host needs its closing ']'");
    out.host = std::string(rest.substr(1, close - 1));
    rest = rest.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') bad("unexpected text after the host");
    if (!rest.empty()) port = rest.substr(1);
  } else if (const auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    out.host = std::string(rest.substr(0, colon));
    port = rest.substr(colon + 1);
    if (port.empty()) bad("the port is empty");
  } else {
    out.host = std::string(rest);
  }
  if (out.host.empty()) bad("the host is empty");
  for (const char c : out.host) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) bad("the host holds a space");
  }
  if (!port.empty()) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535) {
      bad("the port must be a number from 1 to 65535");
    }
    out.port = static_cast<std::uint16_t>(value);
  }
  return out;
}

}  // namespace mizan::mail
