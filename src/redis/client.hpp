// A synchronous Redis client of one connection that reconnects by itself and
// never blocks longer than its timeouts: what a cache or a session store
// calls from a worker thread.
#pragma once

#include <chrono>
#include <memory>
#include <span>
#include <vector>

#include "redis/breaker.hpp"
#include "redis/config.hpp"
#include "redis/connection.hpp"
#include "redis/reply.hpp"

namespace mizan::redis {

/// One connection to one server, connected on first use.
///
/// command() sends one command (arguments binary-safe: bytes, NUL included,
/// or integers) and returns its reply; execute() sends a pipeline in one
/// round trip. Every call is bounded by config.command_timeout (and the
/// connect by config.connect_timeout): a frozen server makes it throw, never
/// hang.
///
/// Errors: unavailable when the call cannot be made or answered: the
/// connection is then dropped, and the next call reconnects, but not before
/// a backoff (policy.backoff_min, doubling to backoff_max while failures go
/// on) during which calls throw unavailable at once. The shared breaker
/// (endpoint) adds the same for all connections to the server. An error
/// *reply* (WRONGTYPE ...) is returned, not thrown.
///
/// Thread-safety: one thread at a time (an endpoint hands one to each).
/// Example: client c(parse_url("redis://127.0.0.1")); c.command("SET", "k", 42);
class client {
 public:
  using clock = std::chrono::steady_clock;

  /// A client with a breaker of its own.
  explicit client(config c, retry_policy policy = {});
  /// A client sharing `health` with the other connections to the server.
  client(config c, std::shared_ptr<breaker> health);

  template <class A0, class... A>
  reply command(const A0& first, const A&... rest) {
    const arg list[] = {arg(first), arg(rest)...};
    return command_argv(list);
  }
  reply command_argv(std::span<const arg> argv);
  std::vector<reply> execute(const pipeline& commands);

  bool connected() const { return connection_ != nullptr; }
  const config& settings() const { return config_; }
  breaker& health() { return *breaker_; }

 private:
  template <class F>
  auto guarded(F&& f);

  config config_;
  std::shared_ptr<breaker> breaker_;
  std::unique_ptr<detail::connection> connection_;
  std::chrono::milliseconds backoff_{0};
  clock::time_point retry_at_{};
};

}  // namespace mizan::redis
