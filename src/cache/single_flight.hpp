// Request coalescing: concurrent misses for one key compute the value once.
#pragma once

#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace mizan::cache {

/// Joins concurrent computations of one key into a single one.
///
/// The first caller of `join` for a key becomes its leader and computes; the
/// others only register a callback. When the leader calls `complete`, every
/// callback of the key, the leader's included, receives the value (or null
/// when the computation failed), and the key is free for a new flight.
/// Callbacks run on the completing thread, outside the lock, so a callback
/// may post work, join again or complete other keys. Thread-safe; its one
/// mutex is taken only on cache misses, never on hits.
///
/// Example:
/// ```
/// if (flights.join(key, [respond](const cached_response* r) { respond(r); })) {
///   compute_async(key, [&flights, key](const cached_response* r) { flights.complete(key, r); });
/// }
/// ```
template <class V>
class single_flight {
 public:
  using waiter = std::function<void(const V*)>;

  /// Registers `on_done` for `key`; true when the caller is the leader and
  /// must compute, then call `complete(key, ...)` exactly once.
  bool join(const std::string& key, waiter on_done) {
    std::lock_guard lock(mutex_);
    auto [flight, leader] = flights_.try_emplace(key);
    flight->second.push_back(std::move(on_done));
    return leader;
  }

  /// Ends the flight of `key`: calls each of its callbacks with `value`
  /// (null = failed). `value` need only live until `complete` returns. If a
  /// callback throws, the others still run and the first exception is
  /// rethrown afterwards.
  void complete(const std::string& key, const V* value) {
    std::vector<waiter> waiters;
    {
      std::lock_guard lock(mutex_);
      const auto flight = flights_.find(key);
      if (flight == flights_.end()) return;
      waiters = std::move(flight->second);
      flights_.erase(flight);
    }
    std::exception_ptr first_error;
    for (auto& on_done : waiters) {
      try {
        on_done(value);
      } catch (...) {
        if (!first_error) first_error = std::current_exception();
      }
    }
    if (first_error) std::rethrow_exception(first_error);
  }

  /// Number of keys being computed.
  std::size_t in_flight() const {
    std::lock_guard lock(mutex_);
    return flights_.size();
  }

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::vector<waiter>> flights_;
};

}  // namespace mizan::cache
