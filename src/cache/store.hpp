// The origin cache's storage contract, implemented in memory (memory_store)
// and, with the same behaviour, by a shared backend such as Redis.
#pragma once

#include "params/invalidation.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mizan::cache {

/// A context response as the cache keeps it. The body is shared, so a hit
/// hands out the stored bytes without copying them.
struct cached_response {
  std::shared_ptr<const std::string> body;
  std::string etag;
  std::string content_type;
};

/// What an entry caches, so that invalidation can find it: its context, its
/// params as canonical pairs (params::canonical_pairs, or the pairs of the
/// request's canonical string) and its scope (`public` or `user:{id}`).
struct entry_meta {
  std::string context;
  std::vector<std::pair<std::string, std::string>> params;
  std::string scope;
};

/// Storage of cached context responses by cache key (cache_key.hpp).
///
/// Implementations are safe to call from any thread. A store may drop any
/// entry at any time (memory pressure, a backend outage): it is a cache, and
/// a miss only costs a computation.
class store {
 public:
  virtual ~store() = default;

  /// The live entry of `key`, or nullopt when absent or expired.
  virtual std::optional<cached_response> get(std::string_view key) = 0;

  /// Stores `value` under `key` for `ttl`, replacing any entry of that key.
  /// A ttl of zero or less stores nothing (and drops the old entry).
  virtual void put(const std::string& key, entry_meta meta, cached_response value,
                   std::chrono::milliseconds ttl) = 0;

  /// Drops the entries `entry` covers (params::matches): every entry of its
  /// context, or those whose params contain the entry's, in every scope.
  virtual void purge(const params::invalidation_entry& entry) = 0;

  /// Drops every entry.
  virtual void clear() = 0;

  /// True when get() never blocks on I/O, so a network thread may call it
  /// (the in-memory store); a Redis store must be called from workers.
  virtual bool nonblocking() const noexcept { return false; }
};

}  // namespace mizan::cache
