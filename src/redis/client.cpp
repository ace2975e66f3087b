// Reconnection and its backoff for one connection; the breaker shared with
// the others is told of every success and failure.
#include "redis/client.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

namespace mizan::redis {

client::client(config c, retry_policy policy)
    : client(std::move(c), std::make_shared<breaker>(policy)) {}

client::client(config c, std::shared_ptr<breaker> health)
    : config_(std::move(c)), breaker_(std::move(health)) {}

template <class F>
auto client::guarded(F&& f) {
  const std::string where = config_.where();
  const auto now = clock::now();
  if (connection_ == nullptr && now < retry_at_) {
    throw unavailable(fmt::format(
        "Redis {}: unavailable (reconnecting in {} ms)", where,
        std::chrono::duration_cast<std::chrono::milliseconds>(retry_at_ - now).count()));
  }
  breaker_->admit(where.c_str());
  const bool was_connected = connection_ != nullptr;
  try {
    if (connection_ == nullptr) connection_ = std::make_unique<detail::connection>(config_);
    auto result = f(*connection_);
    breaker_->succeeded();
    backoff_ = std::chrono::milliseconds(0);
    return result;
  } catch (...) {
    // Whatever broke (I/O, timeout, a refused AUTH, even bad_alloc mid-reply),
    // the connection's state is unknown: drop it.
    connection_.reset();
    if (was_connected) breaker_->connection_lost();
    breaker_->failed();
    const retry_policy& p = breaker_->policy();
    backoff_ = backoff_.count() == 0 ? p.backoff_min : std::min(backoff_ * 2, p.backoff_max);
    retry_at_ = clock::now() + backoff_;
    throw;
  }
}

reply client::command_argv(std::span<const arg> argv) {
  if (argv.empty()) throw std::invalid_argument("redis::client::command: no command");
  std::vector<std::string_view> views;
  views.reserve(argv.size());
  for (const arg& a : argv) views.push_back(a.view());
  return guarded([&](detail::connection& c) { return c.command(views); });
}

std::vector<reply> client::execute(const pipeline& commands) {
  for (const auto& command : commands.commands()) {
    if (command.empty()) throw std::invalid_argument("redis::pipeline: an empty command");
  }
  if (commands.size() == 0) return {};
  return guarded([&](detail::connection& c) { return c.pipeline(commands.commands()); });
}

}  // namespace mizan::redis
