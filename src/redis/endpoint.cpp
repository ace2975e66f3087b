// The pool behind endpoint::acquire: idle clients, most recently used first,
// so that a quiet server keeps few connections warm.
#include "redis/endpoint.hpp"

namespace mizan::redis {

endpoint::endpoint(config c, retry_policy policy, std::size_t max_idle)
    : config_(std::move(c)), breaker_(std::make_shared<breaker>(policy)), max_idle_(max_idle) {}

endpoint::lease::~lease() {
  if (client_ != nullptr) owner_->give_back(std::move(client_));
}

endpoint::lease endpoint::acquire() {
  {
    const std::scoped_lock lock(mutex_);
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return lease(*this, std::move(c));
    }
  }
  return lease(*this, std::make_unique<client>(config_, breaker_));
}

void endpoint::give_back(std::unique_ptr<client> c) {
  const std::scoped_lock lock(mutex_);
  if (idle_.size() < max_idle_) idle_.push_back(std::move(c));
}

}  // namespace mizan::redis
