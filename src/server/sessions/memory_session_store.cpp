#include "core/crypto.hpp"
#include "server/sessions/session_store.hpp"

#include <array>
#include <mutex>
#include <unordered_map>

namespace mizan::server {

std::string session_key(std::string_view session_id) {
  return crypto::to_hex(crypto::sha256(session_id));
}

namespace {

class memory_session_store final : public session_store {
 public:
  std::optional<session_record> load(std::string_view session_id, std::int64_t now) override {
    const auto key = session_key(session_id);
    auto& s = shard_of(key);
    std::lock_guard lock(s.mutex);
    const auto it = s.sessions.find(key);
    if (it == s.sessions.end()) return std::nullopt;
    if (it->second.expires_at <= now) {
      s.sessions.erase(it);
      return std::nullopt;
    }
    return it->second;
  }

  void save(std::string_view session_id, const session_record& record) override {
    const auto key = session_key(session_id);
    auto& s = shard_of(key);
    std::lock_guard lock(s.mutex);
    s.sessions[key] = record;
  }

  void destroy(std::string_view session_id) override {
    const auto key = session_key(session_id);
    auto& s = shard_of(key);
    std::lock_guard lock(s.mutex);
    s.sessions.erase(key);
  }

  void destroy_user(std::int64_t user_id) override {
    for (auto& s : shards_) {
      std::lock_guard lock(s.mutex);
      std::erase_if(s.sessions, [&](const auto& kv) { return kv.second.user_id == user_id; });
    }
  }

 private:
  struct shard {
    std::mutex mutex;
    std::unordered_map<std::string, session_record> sessions;
  };

  shard& shard_of(const std::string& key) {
    // The key is a hex digest: its first two characters are uniform.
    const auto h = std::stoul(key.substr(0, 2), nullptr, 16);
    return shards_[h % shards_.size()];
  }

  std::array<shard, 16> shards_;
};

}  // namespace

std::unique_ptr<session_store> make_memory_session_store() {
  return std::make_unique<memory_session_store>();
}

}  // namespace mizan::server
