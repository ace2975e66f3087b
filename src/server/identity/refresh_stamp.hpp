// Binds a refresh token to the password it was issued under, as Django binds
// a session to its user's password hash (get_session_auth_hash): a password
// change or reset stores a new salted hash, so every refresh token issued
// before it stops working at once instead of living out its day.
#pragma once

#include "mizan/db/connection.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mizan::server {

/// 16 hex digits of HMAC-SHA256 under `secret` of user `user_id`'s current
/// password hash; nullopt when there is no such user. One query.
std::optional<std::string> refresh_stamp(db::connection& db, std::string_view secret,
                                         std::int64_t user_id);

}  // namespace mizan::server
