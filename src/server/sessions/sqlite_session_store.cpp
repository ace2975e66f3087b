#include "mizan/db.hpp"
#include "server/sessions/session_store.hpp"
#include "server/sessions/signed_in_cache.hpp"

namespace mizan::server {
namespace {

struct session_row {
  std::int64_t user_id;
  std::string csrf_token;
  std::int64_t expires_at;
};
BOOST_DESCRIBE_STRUCT(session_row, (), (user_id, csrf_token, expires_at))

struct session_user_row {
  std::int64_t user_id;
  std::string csrf_token;
  std::int64_t expires_at;
  std::string username;
  std::string email;
  bool is_staff;
  bool is_superuser;
  bool email_verified;
};
BOOST_DESCRIBE_STRUCT(session_user_row, (),
                      (user_id, csrf_token, expires_at, username, email, is_staff, is_superuser,
                       email_verified))

class sqlite_session_store final : public session_store {
 public:
  explicit sqlite_session_store(db::database& database) : database_(database) {}

  std::optional<session_record> load(std::string_view session_id, std::int64_t now) override {
    auto row = database_.connection().query_optional<session_row>(
        "SELECT user_id, csrf_token, expires_at FROM mizan_sessions WHERE key = ? AND expires_at > "
        "?",
        session_key(session_id), now);
    if (!row) return std::nullopt;
    return session_record{row->user_id, std::move(row->csrf_token), row->expires_at};
  }

  // Every signed-in request asks this: one query instead of two, and on
  // SQLite none while nothing in the database has changed since this thread
  // last asked (inside a transaction, where the snapshot version says so
  // exactly). Not on PostgreSQL: its snapshot costs a round trip, the one
  // the memory would save, and while any transaction of the cluster is in
  // progress (under load, nearly always) it names no reusable version.
  std::optional<signed_in_session> load_signed_in(db::connection& users_db,
                                                  std::string_view session_id,
                                                  std::int64_t now) override {
    thread_local signed_in_cache cache;
    const std::string key = session_key(session_id);
    if (users_db.engine() == db::engine::postgresql) return query_signed_in(users_db, key, now);
    const auto version = users_db.snapshot();
    if (version) {
      if (auto hit = cache.find(*version, key, now)) return hit;
    }
    auto session = query_signed_in(users_db, key, now);
    if (session && version) cache.store(*version, key, *session);
    return session;
  }

  void save(std::string_view session_id, const session_record& r) override {
    auto& db = database_.connection();
    db.exec(
        "INSERT INTO mizan_sessions (key, user_id, csrf_token, expires_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(key) DO UPDATE SET user_id = excluded.user_id, "
        "csrf_token = excluded.csrf_token, expires_at = excluded.expires_at",
        session_key(session_id), r.user_id, r.csrf_token, r.expires_at);
  }

  void destroy(std::string_view session_id) override {
    database_.connection().exec("DELETE FROM mizan_sessions WHERE key = ?",
                                session_key(session_id));
  }

  void destroy_user(std::int64_t user_id) override {
    database_.connection().exec("DELETE FROM mizan_sessions WHERE user_id = ?", user_id);
  }

 private:
  static std::optional<signed_in_session> query_signed_in(db::connection& users_db,
                                                          std::string_view key, std::int64_t now) {
    auto row = users_db.query_optional<session_user_row>(
        "SELECT s.user_id AS user_id, s.csrf_token AS csrf_token, s.expires_at AS expires_at, "
        "u.username AS username, u.email AS email, u.is_staff AS is_staff, "
        "u.is_superuser AS is_superuser, u.email_verified AS email_verified "
        "FROM mizan_sessions s JOIN mizan_users u ON u.id = s.user_id "
        "WHERE s.key = ? AND s.expires_at > ?",
        key, now);
    if (!row) return std::nullopt;
    return signed_in_session{
        session_record{row->user_id, std::move(row->csrf_token), row->expires_at},
        mizan::user{row->user_id, std::move(row->username), std::move(row->email), row->is_staff,
                    row->is_superuser, row->email_verified}};
  }

  db::database& database_;
};

}  // namespace

std::unique_ptr<session_store> make_sqlite_session_store(db::database& database) {
  return std::make_unique<sqlite_session_store>(database);
}

}  // namespace mizan::server
