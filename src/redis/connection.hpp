// One hiredis connection, opened (connect, AUTH, SELECT) with timeouts and
// used blocking with a command timeout: the piece the client, the subscriber
// and nothing else touch, so hiredis stays out of every other header.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "redis/config.hpp"
#include "redis/reply.hpp"

struct redisContext;
struct redisReply;

namespace mizan::redis::detail {

struct context_free {
  void operator()(redisContext* c) const noexcept;
};

/// A connected, authenticated context. Any unavailable thrown by a call
/// leaves it broken (hiredis 0.14 cannot resume after an I/O error or a
/// timeout mid-reply): drop it.
class connection {
 public:
  /// Connects within config.connect_timeout, sets config.command_timeout on
  /// the socket (SO_RCVTIMEO/SO_SNDTIMEO), then AUTH and SELECT.
  /// Throws unavailable, naming config.where() and never the password.
  explicit connection(const config& c);

  reply command(std::span<const std::string_view> argv);
  std::vector<reply> pipeline(const std::vector<std::vector<std::string>>& commands);

  /// For the subscriber's own poll()-driven loop.
  redisContext* context() const { return context_.get(); }
  int fd() const;

 private:
  [[noreturn]] void fail(std::string_view doing) const;
  void append(std::span<const std::string_view> argv);
  reply read_reply();

  std::string where_;
  std::unique_ptr<redisContext, context_free> context_;
};

/// A hiredis reply as an owned value.
reply to_reply(const redisReply& r);

}  // namespace mizan::redis::detail
