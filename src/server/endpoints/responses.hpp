// Building protocol responses: JSON bodies and the error envelope.
#pragma once

#include "http/message.hpp"
#include "mizan/error.hpp"

#include <boost/json/value.hpp>

#include <string>
#include <string_view>

namespace mizan::server {

/// `{"error": {"code", "message"[, "fields"]}}` with the error's status and headers.
http::response error_response(const error& e);
/// A 500 `internal`; `detail` is shown only in debug mode (and always logged).
http::response internal_error_response(std::string_view detail, bool debug);
/// A JSON response; `Cache-Control: no-store` unless the caller sets one after.
http::response json_response(int status, const boost::json::value& body);
http::response json_response(int status, std::string body);

void add_header(http::response& r, std::string name, std::string value);

/// True when the If-None-Match header `list` names `etag` (or is `*`);
/// weak validators match their strong form.
bool etag_matches(std::string_view list, std::string_view etag);

/// Logs an unexpected failure with its cause (stderr).
void log_failure(std::string_view where, std::string_view what);

}  // namespace mizan::server
