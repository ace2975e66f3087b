// The circuit breaker of one Redis server, shared by every connection to it:
// when Redis is down or frozen, callers fail at once instead of each waiting
// out a timeout (TRAPS.md, "Redis 7.0").
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>

namespace mizan::redis {

/// How hard to retry: the breaker's threshold and the backoff both the
/// breaker and each connection's reconnection use (min, doubling to max).
struct retry_policy {
  int failure_threshold = 3;
  std::chrono::milliseconds backoff_min{50};
  std::chrono::milliseconds backoff_max{2000};
};

/// Closed: calls go through; `failure_threshold` consecutive failures open
/// it. Open: calls throw unavailable at once, until the backoff has passed;
/// then one call (the probe) goes through: its success closes the breaker,
/// its failure opens it again for twice as long (up to backoff_max).
/// Thread-safe.
class breaker {
 public:
  using clock = std::chrono::steady_clock;

  explicit breaker(retry_policy policy = {}) : policy_(policy), backoff_(policy.backoff_min) {}

  /// Throws unavailable when the breaker is open and this call may not probe.
  void admit(const char* where);
  void succeeded();
  void failed();
  /// An established connection broke: the caller may have missed pub/sub
  /// messages, so it counts as an outage even when the breaker stays closed.
  void connection_lost() { outages_.fetch_add(1, std::memory_order_relaxed); }

  bool healthy() const { return healthy_.load(std::memory_order_relaxed); }
  /// Grows by one each time the breaker opens and each time a connection is
  /// lost; never decreases. A caller that saw it change may have missed
  /// messages and drops its local state.
  std::uint64_t outages() const { return outages_.load(std::memory_order_relaxed); }
  const retry_policy& policy() const { return policy_; }

 private:
  const retry_policy policy_;
  std::mutex mutex_;
  int failures_ = 0;
  bool open_ = false;
  bool probing_ = false;
  clock::time_point retry_at_{};
  std::chrono::milliseconds backoff_;
  std::atomic<bool> healthy_{true};
  std::atomic<std::uint64_t> outages_{0};
};

}  // namespace mizan::redis
