// A WebSocket's life: the handshake, the read loop with its limits, and
// the write queue with its merged pushes, refetch and close.
#include "ws/connection.hpp"

namespace mizan::ws {

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

}  // namespace mizan::ws
