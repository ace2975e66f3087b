// One Redis server as the application sees it: its parsed URL, the breaker
// every connection to it shares, and a small pool of connections.
//
// A pool rather than a connection per thread: the callers are worker
// threads of a fixed pool, but a thread_local connection would outlive the
// endpoint it belongs to (and tests make many endpoints); a pool of idle
// clients under a mutex costs one lock per lease, nothing next to a round
// trip, and never holds more connections than threads ever used it at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "redis/breaker.hpp"
#include "redis/client.hpp"
#include "redis/config.hpp"

namespace mizan::redis {

/// A server: config, shared breaker, pooled clients.
///
/// acquire() lends a client (connected lazily) for one thread's use and
/// takes it back when the lease ends; command() and execute() do so for one
/// call. healthy() is false while the breaker is open; outages() grows each
/// time it opens or a connection breaks (see breaker::outages).
///
/// Errors: as client (unavailable; error replies are values).
/// Thread-safety: every member may be called from any thread; a lease's
/// client by its holder only. The endpoint must outlive its leases.
/// Example: endpoint redis(parse_url(url)); redis.command("PUBLISH", "ch", "hi");
class endpoint {
 public:
  class lease {
   public:
    lease(endpoint& owner, std::unique_ptr<client> c) : owner_(&owner), client_(std::move(c)) {}
    lease(lease&&) noexcept = default;
    lease& operator=(lease&&) = delete;
    ~lease();
    client& operator*() const { return *client_; }
    client* operator->() const { return client_.get(); }

   private:
    endpoint* owner_;
    std::unique_ptr<client> client_;
  };

  explicit endpoint(config c, retry_policy policy = {}, std::size_t max_idle = 16);

  lease acquire();

  template <class A0, class... A>
  reply command(const A0& first, const A&... rest) {
    return acquire()->command(first, rest...);
  }
  std::vector<reply> execute(const pipeline& commands) { return acquire()->execute(commands); }

  bool healthy() const { return breaker_->healthy(); }
  std::uint64_t outages() const { return breaker_->outages(); }
  const config& settings() const { return config_; }

 private:
  void give_back(std::unique_ptr<client> c);

  const config config_;
  const std::shared_ptr<breaker> breaker_;
  const std::size_t max_idle_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<client>> idle_;
};

}  // namespace mizan::redis
