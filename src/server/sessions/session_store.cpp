#include "server/sessions/session_store.hpp"

#include "mizan/users.hpp"

namespace mizan::server {

std::optional<signed_in_session> session_store::load_signed_in(db::connection& users_db,
                                                               std::string_view session_id,
                                                               std::int64_t now) {
  auto record = load(session_id, now);
  if (!record) return std::nullopt;
  auto user = users::find(users_db, record->user_id);
  if (!user) return std::nullopt;
  return signed_in_session{std::move(*record), std::move(*user)};
}

}  // namespace mizan::server
