// Logging that never makes a network thread wait for stderr: each network
// thread appends to its own sink, and one background thread writes the sinks
// out every ~100 ms (or sooner when one grows large).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace mizan::http::detail {

/// Writes one line to stderr at once (for rare events off the network threads).
void log_line(std::string_view line) noexcept;

/// Appends one access log line: `remote method target status bytes duration_ms`.
void format_access_line(std::string& out, std::string_view remote, std::string_view method,
                        std::string_view target, int status, std::size_t bytes,
                        std::chrono::steady_clock::duration duration);

/// A per-thread log buffer. Its mutex is only ever contended by the flusher,
/// once per flush, never by another network thread.
class log_sink {
 public:
  static constexpr std::size_t flush_hint = 64 * 1024;      ///< wake the flusher early
  static constexpr std::size_t hard_cap = 4 * 1024 * 1024;  ///< beyond it lines are dropped

  /// Appends what `fill(std::string&)` writes; drops it if the sink is full.
  /// Returns true when the flusher should be woken.
  template <typename Fill>
  bool write(Fill&& fill) {
    std::lock_guard lock(mutex_);
    if (buffer_.size() >= hard_cap) {
      ++dropped_;
      return false;
    }
    fill(buffer_);
    return buffer_.size() >= flush_hint;
  }
  /// Moves the pending text into `out` (swapping buffers to keep capacity).
  void take(std::string& out, std::size_t& dropped);

 private:
  std::mutex mutex_;
  std::string buffer_;
  std::size_t dropped_ = 0;
};

/// The background thread that writes sinks to a file descriptor.
class log_flusher {
 public:
  log_flusher(std::vector<log_sink*> sinks, int fd);
  ~log_flusher();  ///< final flush, then join
  log_flusher(const log_flusher&) = delete;
  log_flusher& operator=(const log_flusher&) = delete;
  /// Asks for a flush soon; cheap and thread-safe.
  void wake() noexcept;

 private:
  void loop();
  void flush_all(std::string& scratch);

  std::vector<log_sink*> sinks_;
  int fd_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::atomic<bool> woken_{false};
  std::thread thread_;
};

}  // namespace mizan::http::detail
