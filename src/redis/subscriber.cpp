// The subscriber's loop: hiredis's blocking API cannot wait for "a message
// or a stop request or the ping deadline", so the socket is poll()ed beside
// an eventfd and replies are taken from hiredis's reader as they arrive.
#include "redis/subscriber.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

#include <fmt/format.h>

#include "redis/reply.hpp"

namespace mizan::redis {
namespace {

using clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

[[noreturn]] void broken(const config& c, redisContext* ctx, std::string_view doing) {
  throw unavailable(fmt::format("Redis {}: {}: {}", c.where(), doing,
                                ctx->errstr[0] != '\0' ? ctx->errstr : "connection closed"));
}

void send(const config& c, redisContext* ctx, std::span<const std::string_view> argv) {
  std::vector<const char*> pointers;
  std::vector<std::size_t> sizes;
  for (const std::string_view a : argv) {
    pointers.push_back(a.data());
    sizes.push_back(a.size());
  }
  if (redisAppendCommandArgv(ctx, static_cast<int>(argv.size()), pointers.data(), sizes.data()) !=
      REDIS_OK) {
    broken(c, ctx, "cannot queue a command");
  }
  // Blocking writes, bounded by SO_SNDTIMEO (config.command_timeout).
  int done = 0;
  while (done == 0) {
    if (redisBufferWrite(ctx, &done) != REDIS_OK) broken(c, ctx, "cannot write");
  }
}

int poll_ms(clock::time_point until) {
  const auto left = std::chrono::ceil<milliseconds>(until - clock::now()).count();
  return static_cast<int>(std::clamp<long long>(left, 0, 60000));
}

}  // namespace

subscriber::subscriber(config c, std::vector<std::string> channels, message_handler on_message,
                       reconnect_handler on_reconnect, options o)
    : config_(std::move(c)),
      channels_(std::move(channels)),
      on_message_(std::move(on_message)),
      on_reconnect_(std::move(on_reconnect)),
      options_(o) {
  if (channels_.empty()) throw std::invalid_argument("redis::subscriber: no channels");
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd_ < 0) throw std::system_error(errno, std::generic_category(), "eventfd");
  thread_ = std::thread([this] { run(); });
}

subscriber::~subscriber() {
  stopping_.store(true);
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto n = ::write(wake_fd_, &one, sizeof one);
  thread_.join();
  ::close(wake_fd_);
}

std::string subscriber::last_error() const {
  const std::scoped_lock lock(error_mutex_);
  return last_error_;
}

bool subscriber::wait(milliseconds ms) {
  pollfd wake{wake_fd_, POLLIN, 0};
  ::poll(&wake, 1, static_cast<int>(ms.count()));
  return !stopping_.load();
}

void subscriber::run() noexcept {
  milliseconds backoff{0};
  while (!stopping_.load()) {
    try {
      detail::connection conn(config_);
      listen(conn);
    } catch (const std::exception& e) {
      const std::scoped_lock lock(error_mutex_);
      last_error_ = e.what();
    }
    if (subscribed_.exchange(false)) {
      disconnects_.fetch_add(1);
      backoff = milliseconds(0);
    }
    if (stopping_.load()) break;
    const retry_policy& p = options_.retry;
    backoff = backoff.count() == 0 ? p.backoff_min : std::min(backoff * 2, p.backoff_max);
    if (!wait(backoff)) break;
  }
}

void subscriber::listen(detail::connection& conn) {
  redisContext* ctx = conn.context();
  std::vector<std::string_view> argv{"SUBSCRIBE"};
  argv.insert(argv.end(), channels_.begin(), channels_.end());
  send(config_, ctx, argv);

  std::size_t unconfirmed = channels_.size();
  auto deadline = clock::now() + config_.command_timeout;  // for confirmations or a PONG
  bool ping_pending = false;
  auto last_heard = clock::now();
  const std::string_view ping[] = {"PING"};

  while (true) {
    const bool awaiting = unconfirmed > 0 || ping_pending;
    pollfd fds[2] = {{wake_fd_, POLLIN, 0}, {conn.fd(), POLLIN, 0}};
    const int ready =
        ::poll(fds, 2, poll_ms(awaiting ? deadline : last_heard + options_.ping_interval));
    if (ready < 0 && errno != EINTR) throw unavailable("Redis subscriber: poll failed");
    if (stopping_.load()) return;
    if (ready > 0 && fds[1].revents != 0) {
      if (redisBufferRead(ctx) != REDIS_OK) broken(config_, ctx, "connection lost");
      last_heard = clock::now();
      void* raw = nullptr;
      while (true) {
        if (redisGetReplyFromReader(ctx, &raw) != REDIS_OK) broken(config_, ctx, "bad reply");
        if (raw == nullptr) break;
        const reply r = detail::to_reply(*static_cast<redisReply*>(raw));
        freeReplyObject(raw);
        if (r.type != reply::kind::array || r.elements.empty()) continue;
        const std::string& kind = r.elements[0].str;
        if (kind == "message" && r.elements.size() == 3) {
          on_message_(r.elements[1].str, r.elements[2].str);
        } else if (kind == "subscribe" && unconfirmed > 0 && --unconfirmed == 0) {
          subscribed_.store(true);
          if (was_subscribed_ && on_reconnect_) on_reconnect_();
          was_subscribed_ = true;
        } else if (kind == "pong") {
          ping_pending = false;
        }
      }
    }
    const auto now = clock::now();
    if (unconfirmed > 0 && now >= deadline) {
      throw unavailable(fmt::format("Redis {}: SUBSCRIBE not confirmed within {} ms",
                                    config_.where(), config_.command_timeout.count()));
    }
    if (ping_pending && now >= deadline) {
      throw unavailable(fmt::format("Redis {}: no PONG within {} ms", config_.where(),
                                    config_.command_timeout.count()));
    }
    if (!ping_pending && unconfirmed == 0 && now >= last_heard + options_.ping_interval) {
      send(config_, ctx, ping);
      ping_pending = true;
      deadline = now + config_.command_timeout;
    }
  }
}

}  // namespace mizan::redis
