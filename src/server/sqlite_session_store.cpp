#include "mizan/db.hpp"
#include "server/session_store.hpp"

namespace mizan::server {
namespace {

struct session_row {
  std::int64_t user_id;
  std::string csrf_token;
  std::int64_t expires_at;
};
BOOST_DESCRIBE_STRUCT(session_row, (), (user_id, csrf_token, expires_at))

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
  db::database& database_;
};

}  // namespace

std::unique_ptr<session_store> make_sqlite_session_store(db::database& database) {
  return std::make_unique<sqlite_session_store>(database);
}

}  // namespace mizan::server
