#include "server/sessions/signed_in_cache.hpp"

namespace mizan::server {

void signed_in_cache::move_to(const db::snapshot_version& version) {
  if (version == version_) return;
  entries_.clear();
  version_ = version;
}

std::optional<signed_in_session> signed_in_cache::find(const db::snapshot_version& version,
                                                       std::string_view key, std::int64_t now) {
  move_to(version);
  const auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  if (it->second.record.expires_at <= now) {
    entries_.erase(it);
    return std::nullopt;
  }
  return it->second;
}

void signed_in_cache::store(const db::snapshot_version& version, std::string_view key,
                            const signed_in_session& session) {
  move_to(version);
  // A full cache starts over rather than tracking recency: refilling costs
  // one query per live session.
  if (entries_.size() >= capacity_) entries_.clear();
  entries_.insert_or_assign(std::string(key), session);
}

}  // namespace mizan::server
