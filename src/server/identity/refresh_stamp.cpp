#include "server/identity/refresh_stamp.hpp"

#include "core/crypto.hpp"

namespace mizan::server {

std::optional<std::string> refresh_stamp(db::connection& db, std::string_view secret,
                                         std::int64_t user_id) {
  const auto hash =
      db.query_optional<std::string>("SELECT password_hash FROM mizan_users WHERE id = ?", user_id);
  if (!hash) return std::nullopt;
  // Its own label: the same secret signs sessions, CSRF tokens and JWTs.
  const auto mac = crypto::hmac_sha256(secret, "mizan.refresh-stamp:" + *hash);
  return crypto::to_hex(mac.data(), 8);
}

}  // namespace mizan::server
