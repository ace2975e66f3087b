#include <exception>
#include <stdexcept>
#include <string>
#include <utility>

#include "http/log.hpp"
#include "http/server.hpp"

namespace mizan::http {

blocking_pool::blocking_pool(std::size_t threads) {
  if (threads == 0) threads = 1;
  threads_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { work(); });
}

blocking_pool::~blocking_pool() {
  join();
}

void blocking_pool::post_job(detail::job job) {
  {
    std::lock_guard lock(mutex_);
    if (closing_) throw std::logic_error("blocking_pool::post after join");
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
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

void blocking_pool::work() {
  for (;;) {
    std::unique_lock lock(mutex_);
    wake_.wait(lock, [this] { return closing_ || !jobs_.empty(); });
    if (jobs_.empty()) return;  // closing and drained
    auto job = std::move(jobs_.front());
    jobs_.pop_front();
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
