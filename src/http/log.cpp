#include "http/log.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <iterator>

namespace mizan::http::detail {

namespace {

void write_all(int fd, std::string_view data) noexcept {
  while (!data.empty()) {
    auto n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // nowhere left to report a failing log
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace

void log_line(std::string_view line) noexcept {
  try {
    std::string text = "mizan.http: ";
    text.append(line);
    text.push_back('\n');
    write_all(2, text);
  } catch (...) {
  }
}

void format_access_line(std::string& out, std::string_view remote, std::string_view method,
                        std::string_view target, int status, std::size_t bytes,
                        std::chrono::steady_clock::duration duration) {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(duration).count();
  fmt::format_to(std::back_inserter(out), "{} {} {} {} {} {}.{:03}\n",
                 remote.empty() ? "-" : remote, method.empty() ? "-" : method,
                 target.empty() ? "-" : target, status, bytes, us / 1000, us % 1000);
}

void log_sink::take(std::string& out, std::size_t& dropped) {
  out.clear();
  std::lock_guard lock(mutex_);
  out.swap(buffer_);
  dropped = dropped_;
  dropped_ = 0;
}

log_flusher::log_flusher(std::vector<log_sink*> sinks, int fd)
    : sinks_(std::move(sinks)), fd_(fd), thread_([this] { loop(); }) {}

log_flusher::~log_flusher() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

void log_flusher::wake() noexcept {
  // Only the first wake between two flushes touches the condition variable.
  if (!woken_.exchange(true, std::memory_order_relaxed)) cv_.notify_one();
}

void log_flusher::loop() {
  std::string scratch;
  std::unique_lock lock(mutex_);
  for (;;) {
    cv_.wait_for(lock, std::chrono::milliseconds(100),
                 [this] { return stop_ || woken_.load(std::memory_order_relaxed); });
    bool stopping = stop_;
    lock.unlock();
    woken_.store(false, std::memory_order_relaxed);
    flush_all(scratch);
    if (stopping) return;
    lock.lock();
  }
}

void log_flusher::flush_all(std::string& scratch) {
  for (auto* sink : sinks_) {
    std::size_t dropped = 0;
    sink->take(scratch, dropped);
    write_all(fd_, scratch);
    if (dropped > 0) write_all(fd_, fmt::format("mizan.http: {} log lines dropped\n", dropped));
  }
}

}  // namespace mizan::http::detail
