// The per-database writer lock (see database_config::writer).
#pragma once

#include <chrono>
#include <memory>
#include <mutex>

#include "mizan/error.hpp"

namespace mizan::db::detail {

/// One connection's handle on its database's writer lock.
class writer_lock {
 public:
  writer_lock(std::shared_ptr<std::timed_mutex> mutex, std::chrono::milliseconds timeout)
      : mutex_(std::move(mutex)), timeout_(timeout) {}

  /// Takes the lock, or throws `unavailable` after the busy timeout, as
  /// SQLite would have.
  void acquire() {
    if (!mutex_->try_lock_for(timeout_)) {
      throw mizan::error(errc::unavailable, "The database is busy.");
    }
    held_ = true;
  }
  /// Releases the lock if this connection holds it.
  void release() noexcept {
    if (held_) {
      held_ = false;
      mutex_->unlock();
    }
  }
  /// True while this connection holds the lock (then its statements,
  /// BEGIN IMMEDIATE included, must not take it again).
  bool held() const noexcept { return held_; }

 private:
  std::shared_ptr<std::timed_mutex> mutex_;
  std::chrono::milliseconds timeout_;
  bool held_ = false;
};

}  // namespace mizan::db::detail
