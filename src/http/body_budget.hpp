// Limits on request bodies that need no socket: the process-wide budget for
// bodies held in memory, and the deadline a body's minimum rate allows.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace mizan::http::detail {

/// One request body's share of a budget shared by every connection of the
/// process (server_config::max_body_memory). Grows with the body, returned
/// by `release` or on destruction. Lock-free; one owner at a time.
class body_reservation {
 public:
  body_reservation(std::atomic<std::size_t>& total, std::size_t limit) noexcept
      : total_(total), limit_(limit) {}
  ~body_reservation() { release(); }
  body_reservation(const body_reservation&) = delete;
  body_reservation& operator=(const body_reservation&) = delete;

  /// Reserves up to `bytes` in all; false, reserving nothing more, when that
  /// would take the shared total over the limit.
  bool grow_to(std::size_t bytes) noexcept {
    if (bytes <= held_) return true;
    const auto more = bytes - held_;
    auto total = total_.load(std::memory_order_relaxed);
    do {
      if (total + more > limit_) return false;
    } while (!total_.compare_exchange_weak(total, total + more, std::memory_order_relaxed));
    held_ = bytes;
    return true;
  }

  void release() noexcept {
    if (held_ == 0) return;
    total_.fetch_sub(held_, std::memory_order_relaxed);
    held_ = 0;
  }

  std::size_t held() const noexcept { return held_; }

 private:
  std::atomic<std::size_t>& total_;
  const std::size_t limit_;
  std::size_t held_ = 0;
};

/// When the next read of a body must have completed: `gap` after `now`, and
/// never later than its allowance, which (as Apache mod_reqtimeout's
/// `MinRate`) starts at `gap` and grows by one second per `min_rate` bytes
/// received, so a body trickled a byte at a time cannot hold a connection
/// for ever. `min_rate` 0: no minimum.
template <class TimePoint>
TimePoint body_read_deadline(TimePoint started, TimePoint now, std::chrono::milliseconds gap,
                             std::uint64_t received, std::size_t min_rate) noexcept {
  const TimePoint by_gap = now + gap;
  if (min_rate == 0) return by_gap;
  const auto earned = std::chrono::milliseconds(received * 1000 / min_rate);
  return std::min(by_gap, started + gap + earned);
}

}  // namespace mizan::http::detail
