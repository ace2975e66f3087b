// Who is calling, and through what: the one value that a function, a guard
// and the session logic need from outside the server. Each transport builds
// it: the HTTP session from its request (caller_of), a WebSocket session from
// its handshake, a server-side render from the page's request. It views the
// transport's own storage and lives as long as the call.
#pragma once

#include "http/message.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace mizan::server {

struct caller {
  std::string_view method;          ///< "GET", "POST", ...; "" outside HTTP
  std::string_view remote_address;  ///< the peer's IP; "" when unknown
  std::string_view cookies;         ///< the Cookie header; "" when none
  /// The token of `Authorization: Bearer <token>`, when one was sent.
  std::optional<std::string_view> bearer;
  std::optional<std::string_view> origin;      ///< the Origin header, when sent
  std::optional<std::string_view> csrf_token;  ///< the X-CSRF-Token header, when sent
  std::string_view content_type;               ///< of the body; "" when none
  /// The user id of `bearer`, once the token has been verified, so that a
  /// request verifies it once (see verify_bearer).
  std::optional<std::int64_t> bearer_user_id;
  /// Every header as sent, for functions that read one (`call::header`).
  std::span<const http::header> headers;

  /// The first header named `name` (ASCII case-insensitive); "" when absent.
  std::string_view header(std::string_view name) const noexcept;
};

/// The caller of an HTTP request, read in one pass over its headers. Views
/// `req`, which must outlive it.
caller caller_of(const http::request& req) noexcept;

}  // namespace mizan::server
