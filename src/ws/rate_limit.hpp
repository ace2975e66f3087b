// A token bucket: a burst, then a sustained rate. Cheap enough to run on
// every frame; one per socket, touched by its thread only.
#pragma once

#include <algorithm>
#include <chrono>

namespace mizan::ws {

class rate_limit {
 public:
  using clock = std::chrono::steady_clock;

  /// Allows `burst` operations at once and `per_second` after that.
  rate_limit(double per_second, double burst) noexcept
      : per_second_(per_second), burst_(burst), tokens_(burst) {}

  /// Takes one token at `now`; false when none is left.
  bool take(clock::time_point now) noexcept {
    if (last_ != clock::time_point{}) {
      const std::chrono::duration<double> elapsed = now - last_;
      tokens_ = std::min(burst_, tokens_ + elapsed.count() * per_second_);
    }
    last_ = now;
    if (tokens_ < 1) return false;
    tokens_ -= 1;
    return true;
  }

 private:
  double per_second_;
  double burst_;
  double tokens_;
  clock::time_point last_{};
};

}  // namespace mizan::ws
