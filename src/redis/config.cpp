// Redis URL parsing: pure, so its rules are unit-tested without a server.
#include "redis/config.hpp"

#include <charconv>
#include <stdexcept>

#include <fmt/format.h>

namespace mizan::redis {
namespace {

[[noreturn]] void bad(std::string_view what) {
  throw std::invalid_argument(fmt::format("Redis URL: {}", what));
}

long number(std::string_view name, std::string_view text, long min, long max) {
  long value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    bad(fmt::format("{} must be a number from {} to {}, not '{}'", name, min, max, text));
  }
  return value;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The message names the field only: the text may be a password.
std::string decode(std::string_view field, std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    const int hi = i + 2 < text.size() ? hex_digit(text[i + 1]) : -1;
    const int lo = hi >= 0 ? hex_digit(text[i + 2]) : -1;
    if (lo < 0) bad(fmt::format("the {} has a malformed percent-escape", field));
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

void apply_option(config& c, std::string_view key, std::string_view value, bool unix_socket) {
  if (key == "connect_timeout") {
    c.connect_timeout = std::chrono::milliseconds(number(key, value, 1, 600000));
  } else if (key == "command_timeout") {
    c.command_timeout = std::chrono::milliseconds(number(key, value, 1, 600000));
  } else if (unix_socket && key == "db") {
    c.db = static_cast<int>(number("db", value, 0, 65535));
  } else if (unix_socket && key == "password") {
    c.password = decode("password", value);
  } else if (unix_socket && key == "user") {
    c.user = decode("user", value);
  } else {
    bad(fmt::format("unknown option '{}' (known: connect_timeout, command_timeout{})", key,
                    unix_socket ? ", db, user, password" : ""));
  }
}

void parse_query(config& c, std::string_view query, bool unix_socket) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos) {
      // Not echoed: it may be a mistyped password=...
      bad("an option has no '=' (write name=value)");
    }
    apply_option(c, pair.substr(0, eq), pair.substr(eq + 1), unix_socket);
  }
}

void parse_authority(config& c, std::string_view authority) {
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    const auto userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    const auto colon = userinfo.find(':');
    if (colon == std::string_view::npos) {
      // redis://secret@host is how some clients spell a password alone; an
      // ambiguous form, so refused (and not echoed: it may be the password).
      bad("write the credentials as user:password@ or :password@");
    }
    c.user = decode("user", userinfo.substr(0, colon));
    c.password = decode("password", userinfo.substr(colon + 1));
    if (c.password.empty()) bad("the password after ':' is empty");
  }
  std::string_view port;
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) bad("an IPv6 host has no closing ']'");
    c.host = authority.substr(1, close - 1);
    const auto rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest[0] != ':') bad("unexpected text after the IPv6 host");
      port = rest.substr(1);
      if (port.empty()) bad("the port after ':' is empty");
    }
  } else {
    const auto colon = authority.find(':');
    c.host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      port = authority.substr(colon + 1);
      if (port.empty()) bad("the port after ':' is empty");
    }
  }
  if (c.host.empty()) bad("the host is missing (redis://host[:port][/db])");
  if (!port.empty()) c.port = static_cast<int>(number("the port", port, 1, 65535));
}

}  // namespace

std::string config::where() const {
  if (!socket_path.empty()) return "unix://" + socket_path;
  if (host.find(':') != std::string::npos) return fmt::format("[{}]:{}", host, port);
  return fmt::format("{}:{}", host, port);
}

config parse_url(std::string_view url) {
  config c;
  if (url.starts_with("rediss://")) {
    bad("rediss:// (TLS) is not supported: Debian 12's hiredis 0.14 has no TLS (hiredis_ssl "
        "arrived in 1.0); use redis:// on a trusted network or a Unix socket, or a TLS tunnel");
  }
  std::string_view rest;
  bool unix_socket = false;
  if (url.starts_with("redis://")) {
    rest = url.substr(8);
  } else if (url.starts_with("unix://")) {
    rest = url.substr(7);
    unix_socket = true;
  } else {
    bad("must start with redis:// or unix:// (redis://host[:port][/db], unix:///path/to/socket)");
  }
  std::string_view query;
  if (const auto q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  if (unix_socket) {
    if (!rest.starts_with('/')) bad("a Unix socket is written unix:///absolute/path");
    if (rest.find('@') != std::string_view::npos) {
      bad("a Unix socket URL takes its credentials as ?user=...&password=...");
    }
    c.socket_path = rest;
    c.host.clear();
  } else {
    const auto slash = rest.find('/');
    parse_authority(c, rest.substr(0, slash));
    if (slash != std::string_view::npos) {
      const auto db = rest.substr(slash + 1);
      if (!db.empty()) c.db = static_cast<int>(number("the db", db, 0, 65535));
    }
  }
  parse_query(c, query, unix_socket);
  if (!c.user.empty() && c.password.empty()) bad("a user needs a password");
  return c;
}

}  // namespace mizan::redis
