// A per-thread memory of the sessions a SQLite store has answered, exact by
// construction: an entry is used only under the snapshot version it was read
// under, so any commit anywhere (a sign-out, a password change, another
// process's createuser) empties it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "mizan/db/connection.hpp"
#include "server/sessions/session_store.hpp"

namespace mizan::server {

class signed_in_cache {
 public:
  explicit signed_in_cache(std::size_t capacity = 1024) : capacity_(capacity) {}

  /// The session stored under `key` while the data was at `version`, if it
  /// is still live at `now`.
  std::optional<signed_in_session> find(const db::snapshot_version& version, std::string_view key,
                                        std::int64_t now);
  /// Remembers what the store read under `version`.
  void store(const db::snapshot_version& version, std::string_view key,
             const signed_in_session& session);

  std::size_t size() const noexcept { return entries_.size(); }

 private:
  /// Empties the cache when `version` is not the one its entries belong to.
  void move_to(const db::snapshot_version& version);

  struct key_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  std::size_t capacity_;
  db::snapshot_version version_;
  std::unordered_map<std::string, signed_in_session, key_hash, std::equal_to<>> entries_;
};

}  // namespace mizan::server
