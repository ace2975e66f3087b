// Where a Redis server is and how to talk to it, parsed from one URL, so that
// a deployment names its Redis the way redis-cli and most clients do.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace mizan::redis {

/// A parsed Redis URL.
struct config {
  std::string host;         // TCP host, or empty for a Unix socket
  int port = 6379;          // TCP port
  std::string socket_path;  // Unix socket path, or empty for TCP
  std::string user;         // Redis 6 ACL user; empty: AUTH with the password only
  std::string password;     // empty: no AUTH
  int db = 0;               // SELECT on connect when not 0
  std::chrono::milliseconds connect_timeout{1000};
  std::chrono::milliseconds command_timeout{1000};

  /// Where the server is, for messages: never the password.
  std::string where() const;
};

/// Parses a Redis URL:
///
///   redis://[[user]:password@]host[:port][/db][?options]
///   unix:///path/to/socket[?db=N&user=U&password=P&options]
///
/// options: connect_timeout=MS, command_timeout=MS (1 to 600000; 1000 each
/// by default). An IPv6 host is written in brackets (`redis://[::1]:6379`).
/// Percent-escapes are decoded in the user and the password.
///
/// Errors: std::invalid_argument naming what is wrong and never echoing the
/// password; `rediss://` (TLS) is refused: Debian 12's hiredis 0.14 has no TLS.
/// Example: parse_url("redis://:s3cret@127.0.0.1:6380/2?command_timeout=200").
config parse_url(std::string_view url);

}  // namespace mizan::redis
