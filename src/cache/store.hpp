// The origin cache's storage contract, implemented in memory (memory_store)
// and, with the same behaviour, by a shared backend such as Redis.
#pragma once

#include "params/invalidation.hpp"

#include <chrono>
#include <cstdint>
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

/// What a cache miss saw of its context before computing the value: put()
/// stores the value only if no purge of that context (and no clear) came in
/// between. A value computed from a snapshot older than a commit then never
/// outlives the purge that followed the commit, even when its put() lands
/// after that purge.
struct fill_ticket {
  std::uint64_t generation = 0;  ///< clears so far
  std::uint64_t purges = 0;      ///< purges of the context so far
  bool operator==(const fill_ticket&) const = default;
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

  /// The ticket of `context` now. Take it before the value's snapshot begins.
  virtual fill_ticket ticket(std::string_view context) = 0;

  /// get(key), with the ticket of `context` taken just before it (one round
  /// trip on a shared backend).
  virtual std::optional<cached_response> get(std::string_view key, std::string_view context,
                                             fill_ticket& ticket) {
    ticket = this->ticket(context);
    return get(key);
  }

  /// put(), unless meta.context was purged (or the store cleared) since
  /// `ticket` was taken: then nothing is stored.
  virtual void put(const std::string& key, entry_meta meta, cached_response value,
                   std::chrono::milliseconds ttl, const fill_ticket& ticket) = 0;

  /// Drops the entries `entry` covers (params::matches): every entry of its
  /// context, or those whose params contain the entry's, in every scope.
  virtual void purge(const params::invalidation_entry& entry) = 0;

  /// Drops every entry.
  virtual void clear() = 0;

  /// Tells a shared backend what this process could not tell it earlier
  /// (purges lost while it was unreachable), as the next call would. A no-op
  /// in memory.
  virtual void sync() {}

  /// True when get() never blocks on I/O, so a network thread may call it
  /// (the in-memory store); a Redis store must be called from workers.
  virtual bool nonblocking() const noexcept { return false; }
};

}  // namespace mizan::cache
