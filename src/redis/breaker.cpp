// The breaker's state machine, under one mutex: it is touched once per
// command, far less often than the round trip it guards.
#include "redis/breaker.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "redis/reply.hpp"

namespace mizan::redis {

void breaker::admit(const char* where) {
  const std::scoped_lock lock(mutex_);
  if (!open_) return;
  const auto now = clock::now();
  if (probing_ || now < retry_at_) {
    throw unavailable(
        fmt::format("Redis {}: unavailable (circuit open after {} failures)", where, failures_));
  }
  probing_ = true;
}

void breaker::succeeded() {
  const std::scoped_lock lock(mutex_);
  failures_ = 0;
  open_ = false;
  probing_ = false;
  backoff_ = policy_.backoff_min;
  healthy_.store(true, std::memory_order_relaxed);
}

void breaker::failed() {
  const std::scoped_lock lock(mutex_);
  ++failures_;
  if (open_) {  // the probe failed
    probing_ = false;
    backoff_ = std::min(backoff_ * 2, policy_.backoff_max);
    retry_at_ = clock::now() + backoff_;
  } else if (failures_ >= policy_.failure_threshold) {
    open_ = true;
    backoff_ = policy_.backoff_min;
    retry_at_ = clock::now() + backoff_;
    healthy_.store(false, std::memory_order_relaxed);
    outages_.fetch_add(1, std::memory_order_relaxed);
  }
}

}  // namespace mizan::redis
