// Plain request and response values exchanged between the HTTP layer and the
// application. Deliberately free of Beast and Asio so that application code
// that only handles requests compiles fast.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mizan::http {

/// One header field as it appeared on the wire (name spelling preserved).
struct header {
  std::string name;
  std::string value;
};

/// A fully read HTTP/1.x request.
///
/// Filled by the server before the handler is called; the framing headers
/// (Host, Content-Length, Transfer-Encoding) have already been validated.
struct request {
  std::string method;           ///< e.g. "GET"
  std::string target;           ///< raw request-target, e.g. "/api/mizan/ctx/todos/?a=1"
  int version = 11;             ///< 10 or 11
  std::vector<header> headers;  ///< in arrival order, names as sent
  std::string body;             ///< de-chunked body
  std::string remote_address;   ///< peer IP, e.g. "127.0.0.1"

  /// The target before '?' (the whole target when there is no query).
  std::string_view path() const noexcept;
  /// The target after '?', without it; "" when there is none.
  std::string_view query() const noexcept;
  /// Value of the first header named `name` (ASCII case-insensitive), or null.
  const std::string* find(std::string_view name) const noexcept;
  /// Empties every member but keeps allocated capacity, for reuse per connection.
  void clear() noexcept;
};

/// The application's answer.
///
/// The server adds `Content-Length`, `Date` and, when needed, `Connection`; the
/// same headers set here (and `Transfer-Encoding`) are ignored so they can never
/// contradict the real framing. A header whose name is not a token or whose
/// value holds CR, LF or another control character is refused: the client gets
/// a 500 instead and the cause is logged. Statuses outside 200-599 are refused
/// the same way. 204 and 304 responses are sent without a body.
struct response {
  int status = 200;
  std::vector<header> headers;
  std::string body;  ///< used when shared_body is null
  /// For cached bodies: written straight from this string, never copied.
  std::shared_ptr<const std::string> shared_body;
  bool close = false;  ///< close the connection after writing

  /// The body that will be written: *shared_body when set, else body.
  std::string_view body_view() const noexcept {
    return shared_body ? std::string_view(*shared_body) : std::string_view(body);
  }
};

/// ASCII case-insensitive equality, as header names and tokens compare.
bool iequals(std::string_view a, std::string_view b) noexcept;

}  // namespace mizan::http
