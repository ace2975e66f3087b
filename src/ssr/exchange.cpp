#include "ssr/exchange.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <cstring>
#include <string>

namespace mizan::ssr::detail {
namespace {

using clock = std::chrono::steady_clock;

// Waits for `events` on `fd` until `deadline`: 1 ready, 0 timed out, -1 error.
int wait_for(int fd, short events, clock::time_point deadline) {
  for (;;) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - clock::now()).count();
    if (left <= 0) return 0;
    pollfd p{fd, events, 0};
    const int r = ::poll(&p, 1, left > 60000 ? 60000 : static_cast<int>(left));
    if (r > 0) return 1;
    if (r < 0 && errno != EINTR) return -1;
  }
}

render_result fail(render_failure failure, std::string detail) {
  return render_result{std::nullopt, failure, std::move(detail)};
}

// Returns 0, ETIMEDOUT or an errno (EPIPE: the renderer is gone).
int send_all(int fd, std::string_view data, clock::time_point deadline) {
  while (!data.empty()) {
    const auto n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      data.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return errno;
    const int w = wait_for(fd, POLLOUT, deadline);
    if (w == 0) return ETIMEDOUT;
    if (w < 0) return errno;
  }
  return 0;
}

// Interprets one reply frame: nullopt for a reply to another id (discarded).
std::optional<render_result> interpret(const std::string& payload, std::uint64_t id) {
  boost::system::error_code ec;
  auto value = boost::json::parse(payload, ec);
  const auto* reply = ec ? nullptr : value.if_object();
  if (!reply) return fail(render_failure::bad_reply, "reply is not a JSON object");
  const auto* got = reply->if_contains("id");
  if (!got || !got->is_number()) return fail(render_failure::bad_reply, "reply without an id");
  if (boost::json::value_to<double>(*got) != static_cast<double>(id)) return std::nullopt;
  if (const auto* error = reply->if_contains("error")) {
    const auto* message = error->if_string();
    return fail(render_failure::render_error,
                message ? std::string(*message) : boost::json::serialize(*error));
  }
  const auto* head = reply->if_contains("head");
  const auto* body = reply->if_contains("body");
  if (!head || !body || !head->is_string() || !body->is_string()) {
    return fail(render_failure::bad_reply, "reply without head and body strings");
  }
  return render_result{rendered{std::string(head->get_string()), std::string(body->get_string())},
                       render_failure::none,
                       {}};
}

}  // namespace

long read_some(int fd, frame_decoder& decoder) {
  char buffer[65536];
  for (;;) {
    const auto n = ::read(fd, buffer, sizeof buffer);
    if (n > 0) decoder.feed(std::string_view(buffer, static_cast<std::size_t>(n)));
    if (n >= 0) return static_cast<long>(n);
    if (errno == EINTR) continue;
    return errno == EAGAIN || errno == EWOULDBLOCK ? -1 : -errno;
  }
}

render_result exchange(int request_fd, int reply_fd, frame_decoder& replies, std::uint64_t id,
                       std::string_view input_json, clock::time_point deadline) {
  std::string request = R"({"id":)" + std::to_string(id) + R"(,"input":)";
  request.append(input_json);
  request += '}';
  if (request.size() > max_frame) {
    return fail(render_failure::render_error, "the input is larger than 64 MiB");
  }
  if (const int e = send_all(request_fd, encode_frame(request), deadline)) {
    if (e == ETIMEDOUT) return fail(render_failure::timeout, "timed out sending the input");
    return fail(render_failure::crashed,
                std::string("the renderer is gone (") + std::strerror(e) + ")");
  }
  std::string payload;
  for (;;) {
    switch (replies.next(payload)) {
      case frame_decoder::status::oversize:
        return fail(render_failure::bad_reply, "reply frame larger than 64 MiB");
      case frame_decoder::status::frame:
        if (auto result = interpret(payload, id)) return std::move(*result);
        continue;
      case frame_decoder::status::need_more:
        break;
    }
    const long n = read_some(reply_fd, replies);
    if (n == 0) return fail(render_failure::crashed, "the renderer exited while rendering");
    if (n < -1) {
      return fail(render_failure::crashed,
                  std::string("reading the reply: ") + std::strerror(static_cast<int>(-n)));
    }
    if (n == -1) {
      const int w = wait_for(reply_fd, POLLIN, deadline);
      if (w == 0) return fail(render_failure::timeout, "no reply before the deadline");
      if (w < 0) return fail(render_failure::crashed, "poll failed on the reply pipe");
    }
  }
}

}  // namespace mizan::ssr::detail
