// CSRF tokens (PROTOCOL.md §3): every unsafe request not authenticated by a
// bearer token carries `X-CSRF-Token` equal to the caller's token.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace mizan::server {

/// A fresh token: a random nonce and its HMAC under `secret`, so that a
/// cookie planted by a sibling domain with a made-up value is refused.
std::string make_csrf_token(std::string_view secret);

/// True when `token` is one that `make_csrf_token(secret)` could have made.
bool csrf_token_is_genuine(std::string_view secret, std::string_view token);

/// True when the request's `Origin` (if sent) is one of `allowed`.
bool origin_allowed(std::string_view origin, std::span<const std::string> allowed);

bool is_unsafe_method(std::string_view method);

}  // namespace mizan::server
