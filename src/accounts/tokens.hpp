// The single-use tokens of password reset and email verification links:
// 32 random bytes sent as base64url, only their SHA-256 kept in the
// database, consumed (deleted) by the transaction that uses them.
#pragma once

#include "mizan/db.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mizan::accounts::tokens {

/// 43 characters of unpadded base64url (32 bytes from libsodium's randombytes).
std::string make();
/// True for what make() could have written: 43 base64url characters.
bool well_formed(std::string_view token);
/// Lower-case hex SHA-256 of the token as sent: the primary key it is
/// stored under. A spelling other than make()'s names no row.
std::string hash(std::string_view token);

/// A token is used while now < expires_at.
inline bool live(std::int64_t expires_at, std::int64_t now) {
  return now < expires_at;
}

struct issued {
  std::int64_t user_id = 0;
  std::string email;
  std::int64_t expires_at = 0;
};

/// Stores a new token for `user_id` and `purpose` ("reset" or "verify"),
/// to be mailed to `email`, and returns it.
std::string issue(db::connection& db, std::int64_t user_id, std::string_view purpose,
                  std::string_view email, std::int64_t ttl_seconds, std::int64_t now);

/// Deletes the token and returns what it was issued for, when it exists for
/// `purpose` and is live; nullopt otherwise (a token that expired stays
/// deleted only if the caller's transaction commits). Two concurrent calls
/// for one token: one gets it, the other nullopt (one DELETE takes the row).
std::optional<issued> consume(db::connection& db, std::string_view token, std::string_view purpose,
                              std::int64_t now);

/// Mails sent for `purpose` to `email` (any case) in the last `window`
/// seconds; old expired tokens are pruned first.
std::int64_t recent(db::connection& db, std::string_view purpose, std::string_view email,
                    std::int64_t window, std::int64_t now);

}  // namespace mizan::accounts::tokens
