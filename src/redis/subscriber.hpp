// A Redis pub/sub subscriber on a thread of its own, for invalidations that
// other processes publish. Pub/sub is at-most-once (TRAPS.md, "Redis 7.0"):
// after any disconnect it resubscribes and tells the caller, who drops what
// it may have missed.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "redis/breaker.hpp"
#include "redis/config.hpp"
#include "redis/connection.hpp"

namespace mizan::redis {

/// Subscribes to `channels` and calls on_message(channel, message) for each
/// message, on its own thread, until destroyed.
///
/// A lost connection (EOF, an I/O error, CLIENT KILL) or a silent one (no
/// PONG within config.command_timeout of a PING sent after ping_interval of
/// quiet: a frozen server) is dropped; it reconnects after a backoff
/// (retry.backoff_min, doubling to backoff_max), resubscribes, and then calls
/// on_reconnect(): messages may have been missed in between. on_reconnect is
/// not called for the first subscription.
///
/// Errors: none thrown; connection failures are retried forever (last_error()
/// says why). The callbacks run on the subscriber's thread and must not
/// throw (an escaping exception ends the process); they must not destroy
/// the subscriber.
/// Thread-safety: subscribed(), disconnects() and last_error() from any
/// thread. The destructor stops and joins at once, unless a connect or AUTH
/// is in progress: then within connect_timeout or command_timeout.
/// Example: subscriber s(cfg, {"inv"}, [](auto ch, auto msg) {...}, [] { drop(); });
class subscriber {
 public:
  using message_handler = std::function<void(std::string_view channel, std::string_view message)>;
  using reconnect_handler = std::function<void()>;

  struct options {
    std::chrono::milliseconds ping_interval{1000};
    retry_policy retry{};
  };

  subscriber(config c, std::vector<std::string> channels, message_handler on_message,
             reconnect_handler on_reconnect, options o);
  subscriber(config c, std::vector<std::string> channels, message_handler on_message,
             reconnect_handler on_reconnect)
      : subscriber(std::move(c), std::move(channels), std::move(on_message),
                   std::move(on_reconnect), options{}) {}
  subscriber(const subscriber&) = delete;
  subscriber& operator=(const subscriber&) = delete;
  ~subscriber();

  /// True once every channel's subscription is confirmed, until a disconnect.
  bool subscribed() const { return subscribed_.load(); }
  /// Connections lost after being subscribed.
  std::uint64_t disconnects() const { return disconnects_.load(); }
  std::string last_error() const;

 private:
  void run() noexcept;
  void listen(detail::connection& conn);
  bool wait(std::chrono::milliseconds ms);  // false when stopping

  const config config_;
  const std::vector<std::string> channels_;
  const message_handler on_message_;
  const reconnect_handler on_reconnect_;
  const options options_;
  int wake_fd_ = -1;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> subscribed_{false};
  std::atomic<std::uint64_t> disconnects_{0};
  bool was_subscribed_ = false;
  mutable std::mutex error_mutex_;
  std::string last_error_;
  std::thread thread_;  // last: started once the rest is built
};

}  // namespace mizan::redis
