// One WebSocket (RFC 6455, Beast) as the ws module sees it inside: the
// connection, the room of sockets of one network thread, and the hub's
// state. Private to src/ws; the two files that include it are the only
// ones that see Beast's websocket stream.
//
// Each socket lives on the network thread that accepted its handshake and
// is only touched there: the hub and socket handles post to that thread.
// One coroutine reads; a second one, started when frames are queued, writes
// them one at a time (Beast allows one write in flight), then a close.
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <thread>
#include <vector>

#include "http/upgrade.hpp"
#include "ws/frame_queue.hpp"
#include "ws/hub.hpp"
#include "ws/rate_limit.hpp"

namespace mizan::ws {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace websocket = boost::beast::websocket;
using boost::system::error_code;

namespace detail {

struct room;

/// One frame waiting to be written.
struct queued_frame {
  std::shared_ptr<const std::string> text;
  bool push = false;     ///< an invalidation: may merge or become a refetch
  bool refetch = false;  ///< the refetch that replaced dropped pushes
};

class connection : public std::enable_shared_from_this<connection> {
 public:
  connection(hub::impl& h, room& r, asio::ip::tcp::socket socket,
             std::unique_ptr<session_handler> handler);
  ~connection();

  void start(http::request&& req);

  // On this socket's thread only.
  void queue_text(std::shared_ptr<const std::string> text);
  void queue_push(std::shared_ptr<const std::string> frame);
  void request_close(close_code code, std::string reason);
  void identify(std::optional<std::int64_t> user, std::string session, std::int64_t expires_at) {
    user_ = user;
    session_ = std::move(session);
    expires_at_ = expires_at;
  }
  /// Past its session's end: closes with 4001. True when it did.
  bool expire_if_due();
  void listen(std::string channel, bool on);
  bool matches(const audience& to) const;
  std::uint64_t serial() const noexcept { return serial_; }

  /// Runs `fn(connection&)` on this socket's thread.
  template <class Fn>
  void on_thread(Fn fn) {
    if (std::this_thread::get_id() == room_thread()) return fn(*this);
    asio::post(executor_, [self = shared_from_this(), fn = std::move(fn)]() mutable { fn(*self); });
  }

  std::thread::id room_thread() const noexcept;

  connection* next = nullptr;  ///< the room's list
  connection* prev = nullptr;

 private:
  asio::awaitable<void> run(std::unique_ptr<bhttp::request<bhttp::empty_body>> req);
  asio::awaitable<void> write_queued();
  void kick_writer();
  void close_too_slow();
  void log(std::string_view what);
  bool over_limits() const {
    return queue_.size() >= limits_.max_queued_frames || queued_bytes_ >= limits_.max_queued_bytes;
  }

  hub::impl& hub_;
  room& room_;
  const limits& limits_;
  asio::any_io_executor executor_;
  // On the bare socket: Beast's own timer keeps the ping deadline, and a
  // tcp_stream's timers and wrapped operations would cost every idle socket.
  websocket::stream<asio::ip::tcp::socket> ws_;
  std::unique_ptr<session_handler> handler_;
  std::string remote_;
  frame_queue<queued_frame> queue_;
  std::size_t queued_bytes_ = 0;
  bool writing_ = false;
  bool open_ = false;    ///< the handshake is done and the socket not yet closed
  bool closed_ = false;  ///< closing or closed: nothing more is queued
  std::optional<websocket::close_reason> close_;
  rate_limit ops_;
  std::optional<std::int64_t> user_;
  std::string session_;
  std::int64_t expires_at_ = 0;  ///< unix seconds; 0: no end
  std::vector<std::string> channels_;
  const std::uint64_t serial_ = next_serial.fetch_add(1, std::memory_order_relaxed);
  static inline std::atomic<std::uint64_t> next_serial{1};
};

/// The sockets of one network thread: only that thread touches the list.
struct room {
  explicit room(asio::any_io_executor ex)
      : executor(std::move(ex)), thread(std::this_thread::get_id()) {}
  asio::any_io_executor executor;
  std::thread::id thread;
  connection* head = nullptr;

  void add(connection* c) {
    c->next = head;
    if (head) head->prev = c;
    head = c;
  }
  void remove(connection* c) {
    (c->prev ? c->prev->next : head) = c->next;
    if (c->next) c->next->prev = c->prev;
    c->next = c->prev = nullptr;
  }
  template <class Fn>
  void each(const audience& to, Fn fn) {
    for (auto* c = head; c;) {
      auto* next = c->next;  // fn may close c
      if (c->matches(to)) fn(*c);
      c = next;
    }
  }
};

inline std::thread::id connection::room_thread() const noexcept {
  return room_.thread;
}

}  // namespace detail

struct hub::impl {
  static constexpr std::size_t max_rooms = 256;

  impl(limits l, std::function<void(std::string_view)> log_fn) : config(l), log(std::move(log_fn)) {
    if (!log) {
      log = [](std::string_view line) {
        std::string out = "mizan.ws: ";
        out += line;
        out += '\n';
        std::fputs(out.c_str(), stderr);
      };
    }
  }
  ~impl() {
    for (std::size_t i = 0; i < room_count.load(); ++i) delete rooms[i].load();
  }

  /// The room of the calling network thread, made on first use.
  detail::room& room_here(const asio::any_io_executor& ex) {
    const auto me = std::this_thread::get_id();
    for (std::size_t i = 0, n = room_count.load(std::memory_order_acquire); i < n; ++i) {
      if (auto* r = rooms[i].load(std::memory_order_acquire); r->thread == me) return *r;
    }
    std::lock_guard lock(adding);
    const auto n = room_count.load();
    if (n == max_rooms) throw std::runtime_error("too many network threads for the WebSocket hub");
    auto* r = new detail::room(ex);
    rooms[n].store(r, std::memory_order_release);
    room_count.store(n + 1, std::memory_order_release);
    return *r;
  }

  template <class Fn>
  void each_room(Fn fn) {
    for (std::size_t i = 0, n = room_count.load(std::memory_order_acquire); i < n; ++i) {
      fn(*rooms[i].load(std::memory_order_acquire));
    }
  }

  const limits config;
  std::function<void(std::string_view)> log;
  std::atomic<std::size_t> open{0};
  std::atomic<bool> stopping{false};
  std::array<std::atomic<detail::room*>, max_rooms> rooms{};
  std::atomic<std::size_t> room_count{0};
  std::mutex adding;
};

}  // namespace mizan::ws
