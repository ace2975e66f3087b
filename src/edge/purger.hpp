// The origin's edge purge client: after a mutation commits, the server hands
// it the cache tags of every entry the mutation invalidated, and it tells each
// configured edge (Varnish, Cloudflare, Fastly) to drop them. Purges from many
// requests are coalesced into one batch per edge and retried until acknowledged.
#pragma once

#include "edge/purge_target.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mizan::edge {

namespace detail {
struct purger_state;
}

/// What a purger sends where.
struct purger_options {
  std::vector<purge_target> targets;
  /// Cloudflare: sent as `Authorization: Bearer {token}`; Fastly: as
  /// `Fastly-Key: {token}`; Varnish: unused.
  std::string token;
  /// Bounds one request: resolving, connecting, TLS, writing and reading.
  std::chrono::milliseconds request_timeout{2000};
  /// Gets one line per failure streak, recovery, dropped backlog and shutdown
  /// with tags owed; called on the purger's thread or in purge(). May be empty.
  std::function<void(std::string_view)> log;
  /// Called on the purger's thread, outside its lock, when a target that had
  /// failed acknowledges again. Entries it did not purge meanwhile may be
  /// stale at that edge, so the server should purge everything there
  /// (and always must after an overflow, see purger). It holds up every
  /// target while it runs: it must not block, and a purge() from it must
  /// pass a zero wait. May be empty.
  std::function<void()> recovered;
};

/// Sends cache-tag purges to edges from one background thread.
///
/// Each target gets its own keep-alive connection and its own set of owed
/// tags. The thread takes everything owed (de-duplicated, so concurrent
/// purges share one batch), sends it in as few requests as the edge allows
/// (Varnish: `PURGE` with `xkey-purge`, each header under 8,000 bytes;
/// Cloudflare: `POST {"tags":[...]}`, 30 tags a request; Fastly: `POST` with
/// `Surrogate-Key`, 256 keys a request) and wakes the purges it covered.
///
/// A failed request (refused, timed out, non-2xx, or Cloudflare's
/// `"success":false`) leaves the whole batch owed to that target, retried
/// with a backoff from 100 ms doubling to 5 s, forever; the log gets one
/// line per failure streak and one on recovery, when `recovered` is called.
///
/// Memory is bounded: a target owed more than 100,000 tags drops them all
/// (keeping only the newest tag, so that the next request probes the edge)
/// and counts as failing; its recovery is reported through `recovered`, and
/// the server must then purge that edge entirely, since dropped tags were
/// never sent.
///
/// Destruction stops the thread at once, even mid-request, closes the
/// connections and gives up the owed tags (logging how many).
class purger {
 public:
  /// Starts the thread (none when there are no targets).
  /// Errors: std::system_error when the thread cannot start;
  /// boost::system::system_error when an https target is configured and the
  /// system's certificate paths cannot be loaded.
  explicit purger(purger_options options);
  ~purger();
  purger(const purger&) = delete;
  purger& operator=(const purger&) = delete;

  /// Queues `tags` for every target and waits up to `wait` for every target
  /// to acknowledge them.
  ///
  /// Params: `tags`, cache tags (see cache_tags.hpp), duplicates allowed;
  /// `wait`, the longest this call blocks.
  /// Returns: true once every target acknowledged every tag (at once with no
  /// targets or no tags); false when `wait` ran out, or a target failed:
  /// while a target is failing (its last request failed) this call does not
  /// wait at all, so a dead edge cannot slow every mutation; its tags stay
  /// queued for the retries. A target that let a wait run out (frozen or
  /// slow) is not waited for either, until it acknowledges. New tags for a
  /// target in its backoff make it try again at once (at most every 100 ms),
  /// so an edge that is back is purged within one round trip. A `wait` of
  /// zero only queues.
  /// Errors: never for the network; std::invalid_argument for an empty tag
  /// or one with a byte outside `!`..`~` (it would break the header it goes in).
  /// Thread-safe: called from many threads at once.
  bool purge(std::vector<std::string> tags, std::chrono::milliseconds wait);

  /// Counters for tests and logs: HTTP requests sent, of which failed, and
  /// tags owed now (including those in flight), summed over targets.
  struct stats {
    std::uint64_t requests = 0, failures = 0, pending_tags = 0;
  };
  /// Thread-safe.
  stats statistics() const;

 private:
  std::unique_ptr<detail::purger_state> state_;
};

}  // namespace mizan::edge
