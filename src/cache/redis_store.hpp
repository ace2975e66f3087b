// The origin cache on a Redis server, shared by every process that points at
// it: the same contract as memory_store, with purges whose cost follows the
// entries they drop, never the size of the keyspace (no SCAN, no KEYS).
#pragma once

#include "cache/store.hpp"
#include "redis/endpoint.hpp"

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

namespace mizan::cache {

/// A `store` on Redis (6.2 or later: ZINTER; Debian 12 has 7.0), one server,
/// not Redis Cluster (a script touches keys of several slots).
///
/// Key layout (`{n}` is the decimal byte length of the text that follows it,
/// so a context or a param name holding `:` or `=` cannot be read two ways):
///
///   {key}                        the entry, under the key as given (PROTOCOL
///                                §6, `mizan:c:{context}:{hex}`): one binary-safe
///                                string `{generation} {etag size} {type size}\n`
///                                then the ETag, the content type and the body;
///                                its TTL is put()'s (PX)
///   mizan:g                      the generation: every entry records the one
///                                it was stored under, get() ignores the others
///   mizan:i:{n}:{context}        sorted set: the context's entry keys, scored
///                                by their expiry time (server clock, ms)
///   mizan:i:{n}:{context}:{n}:{name}={value}
///                                sorted set: the keys of the context's entries
///                                with that canonical param pair, same scores
///   mizan:p:{n}:{context}        sorted set: the context's pair sets, scored
///                                by the expiry of their longest-lived entry
///   mizan:e:{n}:{context}        the context's purge count (fill_ticket): each
///                                purge increments it first, and a put() with a
///                                ticket stores nothing once it moved
///
/// Each put and each purge is one Lua script (EVALSHA, EVAL on NOSCRIPT): one
/// round trip, atomic. put() prunes the members already expired from the
/// sets it touches (ZREMRANGEBYSCORE -inf now) and gives each set a PEXPIRE
/// at least as long as its longest entry, so the bookkeeping holds the live
/// entries only, plus, in the other pair sets of a purged entry, members
/// whose key is gone until their expiry (deleting a missing key is harmless:
/// a key names its params, so a pair set never lists a key without that
/// pair). A scoped purge intersects the pair sets of its params (ZINTER; one
/// pair: that set) and deletes what it finds: its cost follows the smallest
/// pair set and the entries purged. A whole purge walks the context's set and
/// its pair sets in batches of 1,000, deleting them: its cost follows the
/// context's size, and it holds Redis for that long (about a second per
/// million entries; see docs/architecture.md).
///
/// clear() increments the generation (INCR mizan:g): every entry is then a
/// miss, and leaves with its TTL. The same happens after an outage: purges,
/// like pub/sub, are at-most-once, so when a purge or a clear cannot reach
/// Redis (breaker open, timeout, refused), or the endpoint's outage count
/// (redis::breaker::outages) has moved since this store last looked, the
/// store increments the generation before it serves any get(). After an
/// outage the shared cache starts cold, never stale. (Another process that
/// never lost Redis may serve an entry a lost purge missed until the losing
/// process is back; that process's first call then drops it for everyone.)
///
/// Fails open: when Redis is unavailable get() misses and put() does
/// nothing; nothing here throws to the caller, and no call waits past the
/// endpoint's command timeout (a whole purge of a context larger than that
/// timeout allows is then counted as lost, and the generation moves).
///
/// Thread-safety: every member may be called from any thread (the endpoint
/// lends each call a pooled connection). The endpoint must outlive the store.
/// Example: redis::endpoint redis(redis::parse_url(url)); redis_store cache(redis);
class redis_store final : public store {
 public:
  explicit redis_store(redis::endpoint& redis);
  redis_store(const redis_store&) = delete;
  redis_store& operator=(const redis_store&) = delete;

  std::optional<cached_response> get(std::string_view key) override;
  void put(const std::string& key, entry_meta meta, cached_response value,
           std::chrono::milliseconds ttl) override;
  void purge(const params::invalidation_entry& entry) override;
  void clear() override;
  fill_ticket ticket(std::string_view context) override;
  std::optional<cached_response> get(std::string_view key, std::string_view context,
                                     fill_ticket& ticket) override;
  void put(const std::string& key, entry_meta meta, cached_response value,
           std::chrono::milliseconds ttl, const fill_ticket& ticket) override;
  void sync() override;
  bool nonblocking() const noexcept override { return false; }

  /// Purges and clears that could not reach Redis so far (for tests and metrics).
  std::uint64_t lost() const noexcept { return lost_.load(std::memory_order_relaxed); }

 private:
  void ensure_fresh(redis::client& c);
  std::optional<cached_response> read(std::string_view key, std::string_view context,
                                      fill_ticket& ticket);
  void write(const std::string& key, const entry_meta& meta, const cached_response& value,
             std::chrono::milliseconds ttl, const fill_ticket* ticket);

  // What a ticket is when Redis could not be read: no put() matches it.
  static constexpr fill_ticket unmatched{~std::uint64_t{0}, ~std::uint64_t{0}};

  redis::endpoint& redis_;
  std::atomic<std::uint64_t> lost_{0};
  std::atomic<std::uint64_t> handled_lost_{0};
  std::atomic<std::uint64_t> seen_outages_;
};

namespace detail {

/// The key names of the layout above.
std::string redis_context_set(std::string_view context);
std::string redis_pair_set(std::string_view context, std::string_view name, std::string_view value);
std::string redis_pair_sets(std::string_view context);
std::string redis_purge_count(std::string_view context);
inline constexpr std::string_view redis_generation_key = "mizan:g";

/// Appends to `commands` the EVALSHA that put() runs, so a test or a warm-up
/// can fill a cache in one round trip per batch. The script must be loaded
/// (any put() through a store loads it).
void add_redis_put(redis::pipeline& commands, const std::string& key, const entry_meta& meta,
                   const cached_response& value, std::chrono::milliseconds ttl);

}  // namespace detail
}  // namespace mizan::cache
