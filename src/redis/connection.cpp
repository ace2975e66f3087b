// The only file that calls hiredis's blocking API (the subscriber reads
// through poll()). hiredis 0.14 signals a command timeout as an I/O error
// ("Resource temporarily unavailable") and leaves the context unusable.
#include "redis/connection.hpp"

#include <sys/time.h>

#include <hiredis/hiredis.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace mizan::redis::detail {
namespace {

timeval to_timeval(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>(ms.count() % 1000 * 1000);
  return tv;
}

}  // namespace

void context_free::operator()(redisContext* c) const noexcept {
  redisFree(c);
}

reply to_reply(const redisReply& r) {
  reply out;
  switch (r.type) {
    case REDIS_REPLY_INTEGER:
      out.type = reply::kind::integer;
      out.integer = r.integer;
      break;
    case REDIS_REPLY_STRING:
      out.type = reply::kind::string;
      out.str.assign(r.str, r.len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = reply::kind::status;
      out.str.assign(r.str, r.len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = reply::kind::error;
      out.str.assign(r.str, r.len);
      break;
    case REDIS_REPLY_ARRAY:
      out.type = reply::kind::array;
      out.elements.reserve(r.elements);
      for (std::size_t i = 0; i < r.elements; ++i) out.elements.push_back(to_reply(*r.element[i]));
      break;
    default:
      out.type = reply::kind::nil;
  }
  return out;
}

connection::connection(const config& c) : where_(c.where()) {
  const timeval connect_tv = to_timeval(c.connect_timeout);
  redisContext* raw = c.socket_path.empty()
                          ? redisConnectWithTimeout(c.host.c_str(), c.port, connect_tv)
                          : redisConnectUnixWithTimeout(c.socket_path.c_str(), connect_tv);
  if (raw == nullptr) throw unavailable("Redis: cannot allocate a connection context");
  context_.reset(raw);
  if (raw->err != 0) fail("connect");
  if (redisSetTimeout(raw, to_timeval(c.command_timeout)) != REDIS_OK) fail("set the timeout");

  if (!c.password.empty()) {
    std::vector<std::string_view> auth{"AUTH"};
    if (!c.user.empty()) auth.emplace_back(c.user);
    auth.emplace_back(c.password);
    const reply r = command(auth);
    // The server's message (WRONGPASS ...) never contains the password.
    if (r.is_error()) throw unavailable(fmt::format("Redis {}: AUTH refused: {}", where_, r.str));
  }
  if (c.db != 0) {
    const std::string db = std::to_string(c.db);
    const std::string_view select[] = {"SELECT", db};
    const reply r = command(select);
    if (r.is_error()) {
      throw unavailable(fmt::format("Redis {}: SELECT {} refused: {}", where_, c.db, r.str));
    }
  }
}

int connection::fd() const {
  return context_->fd;
}

void connection::fail(std::string_view doing) const {
  const redisContext* c = context_.get();
  std::string why = c->errstr[0] != '\0' ? c->errstr : "unknown error";
  // A blocking read past SO_RCVTIMEO: hiredis reports EAGAIN's text.
  if (c->err == REDIS_ERR_IO && (errno == EAGAIN || errno == EWOULDBLOCK)) why += " (timed out)";
  throw unavailable(fmt::format("Redis {}: cannot {}: {}", where_, doing, why));
}

void connection::append(std::span<const std::string_view> argv) {
  std::vector<const char*> pointers;
  std::vector<std::size_t> sizes;
  pointers.reserve(argv.size());
  sizes.reserve(argv.size());
  for (const std::string_view a : argv) {
    pointers.push_back(a.data());
    sizes.push_back(a.size());
  }
  if (redisAppendCommandArgv(context_.get(), static_cast<int>(argv.size()), pointers.data(),
                             sizes.data()) != REDIS_OK) {
    fail("queue a command");
  }
}

reply connection::read_reply() {
  void* raw = nullptr;
  if (redisGetReply(context_.get(), &raw) != REDIS_OK || raw == nullptr) fail("read a reply");
  std::unique_ptr<redisReply, void (*)(void*)> owned(static_cast<redisReply*>(raw),
                                                     freeReplyObject);
  return to_reply(*owned);
}

reply connection::command(std::span<const std::string_view> argv) {
  append(argv);
  return read_reply();
}

std::vector<reply> connection::pipeline(const std::vector<std::vector<std::string>>& commands) {
  std::vector<std::string_view> argv;
  for (const auto& command : commands) {
    argv.assign(command.begin(), command.end());
    append(argv);
  }
  // The first redisGetReply writes the whole buffer, then each reads one.
  std::vector<reply> replies;
  replies.reserve(commands.size());
  for (std::size_t i = 0; i < commands.size(); ++i) replies.push_back(read_reply());
  return replies;
}

}  // namespace mizan::redis::detail
