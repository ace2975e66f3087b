// Server-side sessions: the cookie carries a random id; the store keeps the
// signed-in user and CSRF token under the id's SHA-256, so that a leaked store
// does not hand out live cookies.
#pragma once

#include "mizan/user.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace mizan::db {
class connection;
class database;
}  // namespace mizan::db

namespace mizan::server {

struct session_record {
  std::int64_t user_id = 0;
  std::string csrf_token;
  std::int64_t expires_at = 0;  // unix seconds
};

/// A live session and the user it signs in.
struct signed_in_session {
  session_record record;
  mizan::user user;
};

/// Where sessions live. Implementations may block (SQLite, Redis): call them
/// from worker threads only. Thread-safe.
class session_store {
 public:
  virtual ~session_store() = default;
  /// The live session for `session_id`, or nullopt (unknown or expired).
  virtual std::optional<session_record> load(std::string_view session_id, std::int64_t now) = 0;
  /// The live session and its user, who is read from `users_db`; nullopt if
  /// either is gone. A store kept in that database answers with one query.
  virtual std::optional<signed_in_session> load_signed_in(db::connection& users_db,
                                                          std::string_view session_id,
                                                          std::int64_t now);
  virtual void save(std::string_view session_id, const session_record& record) = 0;
  virtual void destroy(std::string_view session_id) = 0;
  /// Ends every session of `user_id` (a password change signs out everywhere).
  virtual void destroy_user(std::int64_t user_id) = 0;
};

/// The key a store files a session under: hex SHA-256 of the id.
std::string session_key(std::string_view session_id);

/// In memory, sharded: sessions end with the process.
std::unique_ptr<session_store> make_memory_session_store();
/// In the application's SQLite database (table `mizan_sessions`).
std::unique_ptr<session_store> make_sqlite_session_store(db::database& database);

}  // namespace mizan::server
