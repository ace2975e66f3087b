// Hand-written response serialization: status line and headers go into one
// reused buffer, and the body is written beside it in the same gather write.
#pragma once

#include <ctime>
#include <string>
#include <string_view>

#include "http/message.hpp"
#include "mizan/error.hpp"

namespace mizan::http::detail {

/// How the connection continues after this response.
enum class persistence {
  keep,           ///< HTTP/1.1 keep-alive: no Connection header
  keep_alive_10,  ///< HTTP/1.0 client asked for keep-alive: `Connection: keep-alive`
  close           ///< `Connection: close`, then close
};

/// IMF-fixdate (RFC 9110 §5.6.7) of `t`, e.g. "Sun, 06 Nov 1994 08:49:37 GMT".
std::string http_date(std::time_t t);

/// Standard reason phrase of `status`, or "" for a code without one.
std::string_view reason_phrase(int status) noexcept;

/// Whether an application header can be written as is: the name is a token and
/// the value has no control character other than HTAB (so no CR/LF: no
/// response splitting). Returns null when safe, else why not.
const char* check_header(const header& h) noexcept;

/// Whether `status` is one the application may send (200-599).
bool valid_status(int status) noexcept;

/// Whether a response of this status carries no body and no Content-Length.
bool status_without_body(int status) noexcept;

/// Replaces `out` with the status line and headers of `res`, then `common`
/// (header lines sent with every response). The caller has already validated
/// status and headers. The body's size goes into Content-Length (also for
/// HEAD, whose body is not sent).
void write_head(const response& res, std::string_view date, persistence p, std::string_view common,
                std::string& out);

/// `headers` as "Name: value\r\n" lines; throws std::invalid_argument naming
/// a header that check_header refuses.
std::string format_headers(const std::vector<header>& headers);

/// The 500 `internal` answer given when the application failed to answer
/// properly; the cause goes to the log, never to the client.
response internal_error_response();

/// A response carrying the protocol's error body
/// `{"error":{"code":"...","message":"..."}}`.
response error_response(errc code, std::string_view message, bool close = false);

}  // namespace mizan::http::detail
