// The per-connection coroutine: read one request, hand it to the application,
// write its answer, repeat. Requests are handled strictly one at a time, so a
// pipelining client never has more than one response queued.
//
// One file for one state machine; it is also the only translation unit that
// includes Beast's parser and stream (each such unit costs compile time).
#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/read_size.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <exception>

#include "http/body_budget.hpp"
#include "http/diagnostics.hpp"
#include "http/framing.hpp"
#include "http/serialize.hpp"
#include "http/upgrade.hpp"
#include "http/worker.hpp"

namespace mizan::http::detail {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using boost::system::error_code;
using tcp = asio::ip::tcp;
using clock = std::chrono::steady_clock;

namespace {

// A GET whose Upgrade header lists the websocket protocol (RFC 6455 §4.2.1).
bool asks_websocket(const request& req) {
  if (req.method != "GET") return false;
  const auto* upgrade = req.find("Upgrade");
  if (!upgrade) return false;
  std::string_view list = *upgrade;
  while (!list.empty()) {
    const auto comma = list.find(',');
    auto item = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (iequals(item, "websocket")) return true;
  }
  return false;
}

constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);
// Room beyond the header limit so that a chunk header line of a body can be
// buffered; anything longer is refused rather than growing the buffer.
constexpr std::size_t buffer_slack = 8 * 1024;
// After a final response, how long the rest of the client's input is drained
// so that closing does not reset the connection before the client has read it.
constexpr auto linger_time = std::chrono::seconds(1);

std::atomic<std::size_t> peak_buffer{0};

}  // namespace

std::size_t peak_read_buffer_bytes() noexcept {
  return peak_buffer.load();
}

class connection {
 public:
  connection(worker& w, tcp::socket socket)
      : w_(w),
        cfg_(w.shared->config),
        stream_(std::move(socket)),
        buffer_(cfg_.max_header_bytes + buffer_slack),
        reply_timer_(w.ctx),
        body_(w.shared->body_bytes, cfg_.max_body_memory) {
    error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string();
    next_ = w_.connections;
    if (next_) next_->prev_ = this;
    w_.connections = this;
    ++w_.live;
  }

  ~connection() {
    if (ex_) ex_->conn = nullptr;
    (prev_ ? prev_->next_ : w_.connections) = next_;
    if (next_) next_->prev_ = prev_;
    auto cap = buffer_.capacity();
    auto seen = peak_buffer.load(std::memory_order_relaxed);
    while (cap > seen && !peak_buffer.compare_exchange_weak(seen, cap)) {
    }
    if (--w_.live == 0 && w_.stopping) w_.guard.reset();
  }

  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  asio::awaitable<void> run();

  /// The application answered (on this connection's thread).
  void on_reply() {
    replied_ = true;
    reply_timer_.cancel();
  }

  /// On stop: a connection waiting for its next request is closed at once.
  void cancel_if_idle() {
    if (idle_) stream_.cancel();
  }
  /// When the shutdown grace period is over.
  void force_close() { stream_.close(); }

  connection* next() const noexcept { return next_; }

 private:
  asio::awaitable<error_code> read_some();
  asio::awaitable<bool> read_header(bool first);
  asio::awaitable<bool> read_body();
  asio::awaitable<void> write_response(bool keep_alive, bool input_pending = false);
  asio::awaitable<void> fail(errc code, std::string_view message);
  asio::awaitable<void> fail_busy();
  asio::awaitable<void> linger();
  asio::awaitable<void> hand_over();
  void prepare_exchange();
  void fill_request();
  void finish_exchange();
  void log_access(int status, std::size_t bytes);

  worker& w_;
  const server_config& cfg_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  asio::steady_timer reply_timer_;
  std::shared_ptr<exchange> ex_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  header_scanner scanner_;
  std::string head_;
  std::string remote_;
  clock::time_point started_;
  body_reservation body_;  ///< this request's share of the process's body budget
  bool idle_ = false;
  bool replied_ = false;
  connection* prev_ = nullptr;
  connection* next_ = nullptr;
};

asio::awaitable<error_code> connection::read_some() {
  auto size = beast::read_size(buffer_, 16 * 1024);
  if (size == 0) co_return bhttp::error::buffer_overflow;
  auto [ec, n] = co_await stream_.async_read_some(buffer_.prepare(size), nothrow);
  buffer_.commit(n);
  co_return ec;
}

void connection::prepare_exchange() {
  // Reuse the previous exchange (and its capacity) unless a responder of an
  // earlier request is still alive somewhere.
  if (ex_ && ex_.use_count() == 1) {
    ex_->req.clear();
    ex_->res = response();
  } else {
    if (ex_) ex_->conn = nullptr;
    ex_ = std::make_shared<exchange>(w_);
  }
  ex_->conn = this;
  ex_->req.remote_address = remote_;
}

// Once the answer is written: the body's budget is returned, and a kept-alive
// connection keeps a small body buffer for reuse, never the largest body it
// has seen, which an idle connection would otherwise pin for minutes.
void connection::finish_exchange() {
  body_.release();
  if (ex_ && ex_.use_count() == 1 && ex_->req.body.capacity() > cfg_.kept_body_bytes) {
    std::string().swap(ex_->req.body);
  }
}

// Returns false when the connection is to be closed (after an error answer if
// one was due).
asio::awaitable<bool> connection::read_header(bool first) {
  if (buffer_.size() == 0) {
    if (w_.stopping) co_return false;
    // A new connection gets one absolute deadline for its first request's
    // header; a kept-alive one may idle longer before the next request starts.
    stream_.expires_after(first ? cfg_.header_timeout : cfg_.idle_timeout);
    idle_ = true;
    auto ec = co_await read_some();
    idle_ = false;
    if (ec) co_return false;  // timeout, end of stream, or closed on stop
    if (!first) stream_.expires_after(cfg_.header_timeout);
  } else if (!first) {
    stream_.expires_after(cfg_.header_timeout);
  }
  started_ = clock::now();
  prepare_exchange();
  scanner_.reset();
  for (;;) {
    auto data = static_cast<const char*>(buffer_.data().data());
    auto result = scanner_.scan({data, buffer_.size()});
    if (result == header_scanner::result::complete) break;
    if (result == header_scanner::result::bad) {
      co_await fail(errc::bad_request, scanner_.error());
      co_return false;
    }
    if (buffer_.size() - scanner_.begin() > cfg_.max_header_bytes) {
      co_await fail(errc::bad_request, "Request header too large.");
      co_return false;
    }
    auto ec = co_await read_some();
    if (ec == bhttp::error::buffer_overflow) {  // only empty lines before the request
      co_await fail(errc::bad_request, "Request header too large.");
      co_return false;
    }
    // A timed-out header is simply closed: tcp_stream has already closed the
    // socket, so there is no cheap way to send 408.
    if (ec) co_return false;
  }
  if (scanner_.end() - scanner_.begin() > cfg_.max_header_bytes) {
    co_await fail(errc::bad_request, "Request header too large.");
    co_return false;
  }

  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(cfg_.max_header_bytes));
  parser_->body_limit(cfg_.max_body_bytes);
  auto data = static_cast<const char*>(buffer_.data().data());
  error_code ec;
  parser_->put(asio::const_buffer(data + scanner_.begin(), scanner_.end() - scanner_.begin()), ec);
  buffer_.consume(scanner_.end());
  if (ec && ec != bhttp::error::body_limit) {
    co_await fail(errc::bad_request, "Malformed request header.");
    co_return false;
  }
  fill_request();
  if (const char* why = check_framing(ex_->req)) {
    co_await fail(errc::bad_request, why);
    co_return false;
  }
  if (ec == bhttp::error::body_limit) {
    co_await fail(errc::payload_too_large, "Request body too large.");
    co_return false;
  }
  if (!parser_->is_header_done()) {
    co_await fail(errc::bad_request, "Malformed request header.");
    co_return false;
  }
  co_return true;
}

void connection::fill_request() {
  auto& req = ex_->req;
  const auto& msg = parser_->get();
  req.method.assign(msg.method_string());
  req.target.assign(msg.target());
  auto v = msg.version();
  // RFC 9112 §2.3: a later 1.x minor version is answered as 1.1.
  req.version = (v > 11 && v < 20) ? 11 : static_cast<int>(v);
  for (const auto& f : msg)
    req.headers.push_back({std::string(f.name_string()), std::string(f.value())});
}

asio::awaitable<bool> connection::read_body() {
  auto& req = ex_->req;
  if (!parser_->is_done() && req.version == 11) {
    if (auto* expect = req.find("expect"); expect && iequals(*expect, "100-continue")) {
      static constexpr std::string_view interim = "HTTP/1.1 100 Continue\r\n\r\n";
      stream_.expires_after(cfg_.write_timeout);
      auto [ec, n] = co_await asio::async_write(stream_, asio::buffer(interim), nothrow);
      if (ec) co_return false;
    }
  }
  // The body is parsed straight into the request's string, keeping its capacity.
  parser_->get().body().swap(req.body);
  // Bodies are charged to the process's budget by their declared length up
  // front (a chunked one as it grows) and released once answered.
  if (!parser_->is_done() && !body_.grow_to(parser_->content_length().value_or(0))) {
    co_await fail_busy();
    co_return false;
  }
  const auto body_started = clock::now();
  std::uint64_t received = 0;
  while (!parser_->is_done()) {
    if (buffer_.size() > 0) {
      error_code ec;
      auto used = parser_->put(buffer_.data(), ec);
      buffer_.consume(used);
      received += used;
      if (ec == bhttp::error::body_limit) {
        co_await fail(errc::payload_too_large, "Request body too large.");
        co_return false;
      }
      if (ec && ec != bhttp::error::need_more) {
        co_await fail(errc::bad_request, "Malformed request body.");
        co_return false;
      }
      if (!body_.grow_to(parser_->get().body().capacity())) {
        co_await fail_busy();
        co_return false;
      }
      if (parser_->is_done()) break;
      if (!ec && used > 0) continue;
    }
    stream_.expires_at(body_read_deadline(body_started, clock::now(), cfg_.body_timeout, received,
                                          cfg_.body_min_rate));
    auto ec = co_await read_some();
    if (ec == bhttp::error::buffer_overflow) {
      co_await fail(errc::bad_request, "Chunk header too long.");
      co_return false;
    }
    if (ec) co_return false;  // timeout (too slow) or client gone mid-body
  }
  req.body.swap(parser_->get().body());
  co_return true;
}

asio::awaitable<void> connection::write_response(bool keep_alive, bool input_pending) {
  auto& req = ex_->req;
  auto& res = ex_->res;
  if (!valid_status(res.status)) {
    w_.log("refused response status " + std::to_string(res.status) + " for " + req.target);
    res = internal_error_response();
  }
  for (const auto& h : res.headers) {
    if (const char* why = check_header(h)) {
      w_.log(std::string("refused response header (") + why + ") for " + req.target);
      res = internal_error_response();
      break;
    }
  }
  bool close = res.close || !keep_alive || w_.stopping;
  auto p = close ? persistence::close
                 : (req.version == 10 ? persistence::keep_alive_10 : persistence::keep);
  write_head(res, w_.date(), p, w_.shared->common_head, head_);
  std::string_view body = res.body_view();
  if (req.method == "HEAD" || status_without_body(res.status)) body = {};
  std::array<asio::const_buffer, 2> buffers{asio::buffer(head_), asio::buffer(body)};
  stream_.expires_after(cfg_.write_timeout);
  auto [ec, n] = co_await asio::async_write(stream_, buffers, nothrow);
  log_access(res.status, body.size());
  res.shared_body.reset();  // do not pin a cached body while idle
  if (ec) {
    stream_.close();
  } else if (close) {
    // Closing with unread input makes the kernel send a reset, which can
    // destroy the response before the client has read it: drain first.
    error_code avail_ec;
    if (input_pending || buffer_.size() > 0 || stream_.socket().available(avail_ec) > 0) {
      co_await linger();
    } else {
      stream_.socket().shutdown(tcp::socket::shutdown_send, avail_ec);
      stream_.close();
    }
  }
}

asio::awaitable<void> connection::fail(errc code, std::string_view message) {
  ex_->res = error_response(code, message, true);
  co_await write_response(false, true);  // the client may still be sending
}

asio::awaitable<void> connection::fail_busy() {
  ex_->res =
      error_response(errc::unavailable, "Too many request bodies in flight; retry shortly.", true);
  ex_->res.headers.push_back({"Retry-After", "1"});
  co_await write_response(false, true);
}

asio::awaitable<void> connection::linger() {
  error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream_.expires_after(linger_time);
  while (!ec) {
    buffer_.clear();
    ec = co_await read_some();
  }
  stream_.close();
}

// The application takes the socket; this connection ends without closing it.
void upgraded_deleter::operator()(upgraded_connection* c) const noexcept {
  delete c;
}

asio::awaitable<void> connection::hand_over() {
  log_access(101, 0);
  upgraded taken(new upgraded_connection{stream_.release_socket()});
  try {
    w_.shared->app->upgrade(std::move(ex_->req), std::move(taken));
  } catch (const std::exception& e) {
    w_.log(std::string("upgrade failed for ") + ex_->req.target + ": " + e.what());
  }
  co_return;
}

void connection::log_access(int status, std::size_t bytes) {
  if (!cfg_.access_log) return;
  const auto& req = ex_->req;
  bool wake = w_.sink.write([&](std::string& out) {
    format_access_line(out, remote_, req.method, req.target, status, bytes,
                       clock::now() - started_);
  });
  if (wake && w_.flusher) w_.flusher->wake();
}

asio::awaitable<void> connection::run() {
  for (bool first = true;; first = false) {
    if (!co_await read_header(first)) co_return;
    if (!co_await read_body()) co_return;
    bool keep_alive = parser_->get().keep_alive();
    parser_.reset();
    if (asks_websocket(ex_->req)) {
      auto verdict = w_.shared->app->check_upgrade(ex_->req);
      if (verdict.accept) {
        // The peer may send frames only once it has the handshake's answer:
        // bytes already here are not a WebSocket client's.
        if (buffer_.size() > 0 || !ex_->req.body.empty()) {
          co_await fail(errc::bad_request, "Unexpected data with an upgrade request.");
          co_return;
        }
        co_await hand_over();
        co_return;
      }
      if (verdict.refusal) {
        ex_->res = std::move(*verdict.refusal);
        co_await write_response(false);
        co_return;
      }
    }

    replied_ = false;
    try {
      w_.shared->app->handle(ex_->req, connection_access::make(ex_));
    } catch (const std::exception& e) {
      // The responder given to the handler has answered 500 while unwinding.
      w_.log(std::string("handler threw for ") + ex_->req.target + ": " + e.what());
    } catch (...) {
      w_.log("handler threw a non-standard exception for " + ex_->req.target);
    }
    while (!replied_) {
      reply_timer_.expires_at(clock::time_point::max());
      co_await reply_timer_.async_wait(nothrow);
    }
    co_await write_response(keep_alive);
    finish_exchange();
    if (!stream_.socket().is_open()) co_return;
  }
}

namespace {

asio::awaitable<void> serve(worker& w, tcp::socket socket, connection_slot) {
  connection c(w, std::move(socket));
  co_await c.run();
}

}  // namespace

void start_connection(worker& w, tcp::socket socket, connection_slot slot) {
  asio::co_spawn(w.ctx, serve(w, std::move(socket), std::move(slot)), [&w](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& x) {
      w.log(std::string("connection failed: ") + x.what());
    } catch (...) {
      w.log("connection failed: non-standard exception");
    }
  });
}

void force_stop(worker& w) {
  for (auto* c = w.connections; c; c = c->next()) c->force_close();
  w.ctx.stop();
}

void begin_stop(worker& w) {
  w.stopping = true;
  for (auto* c = w.connections; c; c = c->next()) c->cancel_if_idle();
  if (w.live == 0) w.guard.reset();
}

void on_reply(connection& c) {
  c.on_reply();
}

}  // namespace mizan::http::detail
