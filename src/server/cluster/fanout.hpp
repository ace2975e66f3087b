// Invalidation across instances: every committed mutation's effects are
// published once on Redis, and every other instance hears them and pushes
// them to its own WebSocket clients (docs/architecture.md, "Several
// instances").
#pragma once

#include "redis/subscriber.hpp"
#include "server/app/services.hpp"

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

namespace mizan::server {

/// Publishes this process's committed effects (it becomes svc.broadcast) and
/// applies the other instances' (svc.apply_remote), on the Redis server of
/// svc.redis, channel `mizan:fanout:{db}`.
///
/// Publishing happens on the committing thread, after the shared cache was
/// purged and before the mutation is answered. It is bounded by the Redis
/// command timeout and never fails the mutation: a publish that fails is
/// logged and owed, and once Redis answers again the process publishes a
/// `missed` message, on which every instance tells its sockets to refetch.
///
/// Pub/sub is at-most-once, so after the subscriber's connection is lost
/// (Redis restarted, frozen, or dropped the connection), this process
/// assumes it missed messages: svc.missed() (every socket refetches), and
/// the cache catches up on purges it could not send (cache::store::sync).
///
/// Thread-safety: publish from any thread; messages are applied on the
/// subscriber's thread. Construct before serving, destroy after.
class fanout {
 public:
  explicit fanout(services& svc);
  ~fanout();
  fanout(const fanout&) = delete;
  fanout& operator=(const fanout&) = delete;

  /// This instance's id, as its messages carry it.
  const std::string& instance() const noexcept { return instance_; }
  /// True while the subscription is live.
  bool listening() const { return subscriber_ && subscriber_->subscribed(); }

 private:
  void publish(const mutation_effects& effects);
  bool send(const std::string& text);  // false when it failed (logged)
  void receive(std::string_view text);
  void reconnected();

  services& svc_;
  const std::string channel_;
  const std::string instance_;
  std::atomic<bool> owe_missed_{false};
  std::unique_ptr<redis::subscriber> subscriber_;  // last: its thread calls the rest
};

}  // namespace mizan::server
