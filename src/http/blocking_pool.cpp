#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <exception>
#include <stdexcept>
#include <string>
#include <utility>

#include "http/log.hpp"
#include "http/server.hpp"

namespace mizan::http {

blocking_pool::blocking_pool(std::size_t threads, std::chrono::nanoseconds spin, int nice,
                             std::function<void()> on_idle)
    : spin_(spin), nice_(nice), on_idle_(std::move(on_idle)) {
  if (threads == 0) threads = 1;
  threads_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { work(); });
}

blocking_pool::~blocking_pool() {
  join();
}

void blocking_pool::post_job(detail::job job) {
  std::size_t queued = 0;
  {
    std::lock_guard lock(mutex_);
    if (closing_) throw std::logic_error("blocking_pool::post after join");
    jobs_.push_back(std::move(job));
    queued = jobs_.size();
    queued_.store(queued, std::memory_order_seq_cst);
  }
  // Workers watching the queue take the first jobs; wake a sleeper only for
  // the rest. (One that stops watching checks the queue under the lock
  // before it sleeps, so no job waits for a wake-up that never comes.)
  if (queued > spinning_.load(std::memory_order_seq_cst)) wake_.notify_one();
}

void blocking_pool::join() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable() && t.get_id() != std::this_thread::get_id()) t.join();
  }
}

void blocking_pool::spin_for_work() noexcept {
  if (spin_.count() <= 0) return;
  spinning_.fetch_add(1, std::memory_order_seq_cst);
  const auto until = std::chrono::steady_clock::now() + spin_;
  for (unsigned i = 1; queued_.load(std::memory_order_relaxed) == 0; ++i) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
    if (i % 64 == 0 && std::chrono::steady_clock::now() >= until) break;
  }
  spinning_.fetch_sub(1, std::memory_order_seq_cst);
}

void blocking_pool::work() {
  if (nice_ > 0) {
    // Linux applies a niceness to the one thread named by its id. Failing
    // costs only the preference, never correctness.
    const auto self = static_cast<id_t>(::gettid());
    errno = 0;
    const int current = ::getpriority(PRIO_PROCESS, self);
    if (errno == 0 && ::setpriority(PRIO_PROCESS, self, current + nice_) != 0) {
      detail::log_line("blocking_pool: could not lower the workers' priority");
    }
  }
  for (;;) {
    if (queued_.load(std::memory_order_relaxed) == 0) spin_for_work();
    if (on_idle_ && queued_.load(std::memory_order_relaxed) == 0) on_idle_();
    std::unique_lock lock(mutex_);
    wake_.wait(lock, [this] { return closing_ || !jobs_.empty(); });
    if (jobs_.empty()) return;  // closing and drained
    auto job = std::move(jobs_.front());
    jobs_.pop_front();
    queued_.store(jobs_.size(), std::memory_order_relaxed);
    lock.unlock();
    try {
      job();
    } catch (const std::exception& e) {
      detail::log_line(std::string("blocking_pool: job threw: ") + e.what());
    } catch (...) {
      detail::log_line("blocking_pool: job threw a non-standard exception");
    }
  }
}

}  // namespace mizan::http
