// One WebSocket (RFC 6455, Beast) and the hub that reaches them all. The one
// translation unit that includes Beast's websocket stream.
//
// Each socket lives on the network thread that accepted its handshake and
// is only touched there: the hub and socket handles post to that thread.
// One coroutine reads; a second one, started when frames are queued, writes
// them one at a time (Beast allows one write in flight), then a close.
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

namespace {

constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);
constexpr std::string_view push_head = R"({"op":"invalidate","invalidate":[)";
constexpr std::string_view push_tail = "]}";
constexpr std::string_view refetch_frame = R"({"op":"refetch"})";

std::string_view push_entries(const std::string& frame) {
  std::string_view f = frame;
  if (!f.starts_with(push_head) || !f.ends_with(push_tail)) return {};
  return f.substr(push_head.size(), f.size() - push_head.size() - push_tail.size());
}

}  // namespace

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

std::thread::id connection::room_thread() const noexcept {
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

namespace detail {

connection::connection(hub::impl& h, room& r, asio::ip::tcp::socket socket,
                       std::unique_ptr<session_handler> handler)
    : hub_(h),
      room_(r),
      limits_(h.config),
      executor_(socket.get_executor()),
      ws_(std::move(socket)),
      handler_(std::move(handler)),
      ops_(limits_.ops_per_second, limits_.op_burst) {
  error_code ec;
  const auto ep = ws_.next_layer().remote_endpoint(ec);
  if (!ec) remote_ = ep.address().to_string();
  hub_.open.fetch_add(1, std::memory_order_relaxed);
  room_.add(this);  // on its thread: accept runs there
}

connection::~connection() {
  // The last reference may be dropped on any thread: the room's list was
  // left on this socket's own thread, at the end of run().
  hub_.open.fetch_sub(1, std::memory_order_relaxed);
}

void connection::log(std::string_view what) {
  hub_.log((remote_.empty() ? std::string("socket") : "socket " + remote_) + ": " +
           std::string(what));
}

bool connection::expire_if_due() {
  if (expires_at_ == 0 || std::time(nullptr) < expires_at_) return false;
  if (!closed_) {
    log("closed 4001: the session expired");
    request_close(close_code::session_ended, "The session expired.");
  }
  return true;
}

bool connection::matches(const audience& to) const {
  if (!open_ || closed_ || to.but == serial_) return false;
  // An expired session's socket hears nothing meant for its user any more.
  if (expires_at_ != 0 && to.by != audience::kind::everyone && to.by != audience::kind::channel &&
      std::time(nullptr) >= expires_at_) {
    return false;
  }
  switch (to.by) {
    case audience::kind::everyone:
      return true;
    case audience::kind::user:
      return user_ == to.user;
    case audience::kind::session:
      return !session_.empty() && session_ == to.key;
    case audience::kind::channel:
      for (const auto& c : channels_) {
        if (c == to.key) return true;
      }
      return false;
  }
  return false;
}

void connection::listen(std::string channel, bool on) {
  for (auto it = channels_.begin(); it != channels_.end(); ++it) {
    if (*it == channel) {
      if (!on) channels_.erase(it);
      return;
    }
  }
  if (on) channels_.push_back(std::move(channel));
}

void connection::start(http::request&& req) {
  // Beast's copy of the request, freed once the handshake is answered.
  auto handshake = std::make_unique<bhttp::request<bhttp::empty_body>>();
  handshake->method(bhttp::verb::get);
  handshake->target(req.target);
  handshake->version(11);
  for (const auto& h : req.headers) handshake->insert(h.name, h.value);
  asio::co_spawn(executor_, run(std::move(handshake)),
                 [self = shared_from_this()](std::exception_ptr e) {
                   if (!e) return;
                   try {
                     std::rethrow_exception(e);
                   } catch (const std::exception& x) {
                     self->log(std::string("failed: ") + x.what());
                   } catch (...) {
                     self->log("failed: non-standard exception");
                   }
                 });
}

asio::awaitable<void> connection::run(std::unique_ptr<bhttp::request<bhttp::empty_body>> req) {
  auto self = shared_from_this();
  // However run() ends, the socket leaves its room here, on its own thread.
  struct leave_room {
    connection& c;
    ~leave_room() {
      c.open_ = false;
      c.closed_ = true;
      c.room_.remove(&c);
    }
  } leave{*this};
  // Beast's timer ticks every half of its idle timeout: a tick pings, or
  // closes the socket if nothing came since the previous tick's ping. Twice
  // ping_after: pinged after ping_after, dropped ping_after later unanswered.
  ws_.set_option(
      websocket::stream_base::timeout{limits_.handshake_timeout, 2 * limits_.ping_after, true});
  ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
    res.set(bhttp::field::sec_websocket_protocol, "mizan.v1");
  }));
  ws_.read_message_max(limits_.max_message_bytes);
  // Pings and pongs are when an idle socket learns its session has ended.
  ws_.control_callback([this](websocket::frame_type, beast::string_view) { expire_if_due(); });
  ws_.text(true);
  auto [accept_ec] = co_await ws_.async_accept(*req, nothrow);
  req.reset();
  if (accept_ec) {
    log("handshake failed: " + accept_ec.message());
    co_return;
  }
  open_ = true;
  if (hub_.stopping.load()) request_close(close_code::going_away, "Server shutting down.");
  try {
    handler_->on_open(socket_handle(weak_from_this()));
  } catch (const std::exception& e) {
    log(std::string("on_open failed: ") + e.what());
    request_close(close_code::going_away, "Internal error.");
  }

  beast::flat_buffer buffer;
  for (;;) {
    // An idle socket waits with a small buffer (a whole message read would
    // prepare a frame's worth, 1.5 KB, on every socket); a message grows it.
    error_code ec;
    do {
      const std::size_t limit =
          buffer.size() == 0 ? 128 : std::min<std::size_t>(2 * buffer.size(), 16 * 1024);
      auto [read_ec, read] = co_await ws_.async_read_some(buffer, limit, nothrow);
      ec = read_ec;
    } while (!ec && !ws_.is_message_done());
    const std::size_t n = buffer.size();
    if (ec) {
      if (ec == websocket::error::message_too_big) {
        log("closed 1009: message over the size limit");
      } else if (ec == websocket::error::bad_frame_payload) {
        log("closed 1007: invalid UTF-8 in a text frame");
      } else if (ec == beast::error::timeout) {
        log("closed: silent past the ping deadline");
      } else if (ec != websocket::error::closed && ec != asio::error::operation_aborted &&
                 ec != asio::error::eof && ec != asio::error::connection_reset &&
                 ec != asio::error::bad_descriptor) {  // closed here: already logged
        log("closed: " + ec.message());
      }
      break;
    }
    if (expire_if_due() || closed_) {  // closing: what the peer still sends is not an operation
      buffer.consume(n);
      continue;
    }
    if (!ws_.got_text()) {
      log("closed 1003: binary frame");
      request_close(close_code::unsupported, "Text frames only.");
    } else if (!ops_.take(std::chrono::steady_clock::now())) {
      log("closed 1008: too many operations");
      request_close(close_code::policy, "Too many operations.");
    } else {
      const auto data = buffer.data();
      try {
        handler_->on_text({static_cast<const char*>(data.data()), data.size()});
      } catch (const std::exception& e) {
        log(std::string("handler failed: ") + e.what());
      }
    }
    buffer.consume(n);
    if (buffer.capacity() > 1024) buffer.shrink_to_fit();  // idle sockets stay small
  }
  open_ = false;
  closed_ = true;
  queue_.clear();
  queued_bytes_ = 0;
  try {
    handler_->on_closed();
  } catch (const std::exception& e) {
    log(std::string("on_closed failed: ") + e.what());
  }
}

void connection::kick_writer() {
  if (writing_ || !open_) return;
  if (queue_.empty() && !close_) return;
  writing_ = true;
  asio::co_spawn(executor_, write_queued(), asio::detached);
}

asio::awaitable<void> connection::write_queued() {
  auto self = shared_from_this();
  std::string merged;
  while (!queue_.empty() && open_) {
    queued_frame front = std::move(queue_.front());
    queue_.pop_front();
    queued_bytes_ -= front.text->size();
    std::string_view out = *front.text;
    // Invalidations queued together go out as one frame.
    if (front.push && !queue_.empty() && queue_.front().push) {
      merged.assign(push_head);
      merged += push_entries(*front.text);
      while (!queue_.empty() && queue_.front().push) {
        const auto more = push_entries(*queue_.front().text);
        if (!more.empty()) {
          if (merged.size() > push_head.size()) merged += ',';
          merged += more;
        }
        queued_bytes_ -= queue_.front().text->size();
        queue_.pop_front();
      }
      merged += push_tail;
      out = merged;
    }
    auto [ec, n] = co_await ws_.async_write(asio::buffer(out.data(), out.size()), nothrow);
    if (ec) {
      writing_ = false;
      co_return;  // the read side sees the failure and ends the socket
    }
  }
  if (close_ && open_) {
    auto reason = *close_;
    close_.reset();
    auto [ec] = co_await ws_.async_close(reason, nothrow);
    (void)ec;
  }
  writing_ = false;
}

void connection::queue_text(std::shared_ptr<const std::string> text) {
  if (closed_ || !open_) return;
  if (over_limits()) {
    // Pushes can be dropped (the client refetches); answers cannot.
    queue_.erase_if([this](const queued_frame& f) {
      if (!f.push) return false;
      queued_bytes_ -= f.text->size();
      return true;
    });
    if (over_limits()) return close_too_slow();
  }
  queued_bytes_ += text->size();
  queue_.push_back({std::move(text), false, false});
  kick_writer();
}

void connection::queue_push(std::shared_ptr<const std::string> frame) {
  if (closed_ || !open_) return;
  if (over_limits()) {
    bool had_refetch = false;
    queue_.erase_if([&](const queued_frame& f) {
      had_refetch = had_refetch || f.refetch;
      if (!f.push && !f.refetch) return false;
      queued_bytes_ -= f.text->size();
      return true;
    });
    static const auto refetch = std::make_shared<const std::string>(refetch_frame);
    queued_bytes_ += refetch->size();
    queue_.push_back({refetch, false, true});
    if (!had_refetch) log("pushes dropped for a peer that stopped reading: refetch sent");
    if (over_limits()) return close_too_slow();
    return kick_writer();
  }
  queued_bytes_ += frame->size();
  queue_.push_back({std::move(frame), true, false});
  kick_writer();
}

void connection::request_close(close_code code, std::string reason) {
  if (closed_ || !open_) return;
  closed_ = true;
  close_ = websocket::close_reason(static_cast<websocket::close_code>(code), reason);
  kick_writer();
}

void connection::close_too_slow() {
  log("closed 4008: the peer stopped reading");
  // What is queued is dropped (the client refetches after reconnecting); the
  // close frame follows the write in progress, so the peer learns why.
  queue_.clear();
  queued_bytes_ = 0;
  request_close(close_code::too_slow, "The peer stopped reading.");
  // A peer that reads nothing never takes the close frame either.
  auto deadline = std::make_shared<asio::steady_timer>(executor_, limits_.handshake_timeout);
  deadline->async_wait([self = shared_from_this(), deadline](error_code ec) {
    if (ec || !self->open_) return;
    self->ws_.next_layer().close(ec);  // the pending read ends the socket
  });
}

}  // namespace detail

// --- socket_handle --------------------------------------------------------

void socket_handle::send(std::string text) const {
  if (auto c = c_.lock()) {
    c->on_thread([t = std::make_shared<const std::string>(std::move(text))](
                     detail::connection& conn) mutable { conn.queue_text(std::move(t)); });
  }
}

void socket_handle::push(std::shared_ptr<const std::string> frame) const {
  if (auto c = c_.lock()) {
    c->on_thread([f = std::move(frame)](detail::connection& conn) mutable {
      conn.queue_push(std::move(f));
    });
  }
}

void socket_handle::close(close_code code, std::string_view reason) const {
  if (auto c = c_.lock()) {
    c->on_thread([code, r = std::string(reason)](detail::connection& conn) mutable {
      conn.request_close(code, std::move(r));
    });
  }
}

void socket_handle::identify(std::optional<std::int64_t> user, std::string session,
                             std::int64_t expires_at) const {
  if (auto c = c_.lock()) {
    c->on_thread([user, s = std::move(session), expires_at](detail::connection& conn) mutable {
      conn.identify(user, std::move(s), expires_at);
    });
  }
}

std::uint64_t socket_handle::serial() const {
  const auto c = c_.lock();
  return c ? c->serial() : 0;
}

void socket_handle::listen(std::string channel, bool on) const {
  if (auto c = c_.lock()) {
    c->on_thread([ch = std::move(channel), on](detail::connection& conn) mutable {
      conn.listen(std::move(ch), on);
    });
  }
}

// --- hub --------------------------------------------------------------------

hub::hub(limits l, std::function<void(std::string_view)> log)
    : impl_(std::make_unique<impl>(l, std::move(log))) {}

hub::~hub() = default;

const limits& hub::config() const noexcept {
  return impl_->config;
}

bool hub::has_room() const noexcept {
  return !impl_->stopping.load() &&
         impl_->open.load(std::memory_order_relaxed) < impl_->config.max_connections;
}

std::size_t hub::size() const noexcept {
  return impl_->open.load(std::memory_order_relaxed);
}

void hub::accept(http::request&& req, http::upgraded connection,
                 std::unique_ptr<session_handler> handler, std::optional<std::int64_t> user,
                 std::string session, std::int64_t expires_at) {
  auto executor = connection->socket.get_executor();
  asio::post(executor, [impl = impl_.get(), req = std::move(req), conn = std::move(connection),
                        handler = std::move(handler), user, session = std::move(session),
                        expires_at]() mutable {
    auto& room = impl->room_here(conn->socket.get_executor());
    auto c = std::make_shared<detail::connection>(*impl, room, std::move(conn->socket),
                                                  std::move(handler));
    c->identify(user, std::move(session), expires_at);
    c->start(std::move(req));
  });
}

void hub::send(const audience& to, std::shared_ptr<const std::string> frame, bool push) {
  impl_->each_room([&](detail::room& r) {
    asio::post(r.executor, [&r, to, frame, push] {
      r.each(to, [&](detail::connection& c) {
        if (push) {
          c.queue_push(frame);
        } else {
          c.queue_text(frame);
        }
      });
    });
  });
}

void hub::close(const audience& to, close_code code, std::string reason) {
  impl_->each_room([&](detail::room& r) {
    asio::post(r.executor, [&r, to, code, reason] {
      r.each(to, [&](detail::connection& c) { c.request_close(code, reason); });
    });
  });
}

void hub::shut_down() {
  impl_->stopping.store(true);
  close(audience::everyone(), close_code::going_away, "Server shutting down.");
}

}  // namespace mizan::ws
