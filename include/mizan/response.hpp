// Responses of view-path functions (PROTOCOL.md §4): redirects, files, HTML.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace mizan {

/// What a view-path function returns instead of data. Mizan adds
/// `X-Mizan-Invalidate` from the function's `affects`.
struct http_response {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  /// A redirect (303 See Other by default, so a POST form lands on a GET).
  static http_response redirect(std::string location, int status = 303);
  static http_response text(std::string body,
                            std::string content_type = "text/plain; charset=utf-8");
  static http_response html(std::string body);
  /// A download: `Content-Disposition: attachment; filename="..."`.
  static http_response attachment(std::string body, std::string content_type, std::string filename);
};

}  // namespace mizan
