// Internal: the state of one network thread. Only connection.cpp and
// server.cpp include this (it pulls in Asio).
#pragma once

#include "http/serialize.hpp"

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstddef>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "http/log.hpp"
#include "http/message.hpp"
#include "http/server.hpp"

namespace mizan::http::detail {

namespace asio = boost::asio;

/// What every network thread reads and nothing writes after start-up, plus the
/// connection count (touched once per connection, never per request).
struct shared_state {
  shared_state(server_config c, handler& h)
      : config(std::move(c)), app(&h), common_head(format_headers(config.response_headers)) {}
  const server_config config;
  handler* const app;
  /// config.response_headers as "Name: value\r\n" lines.
  const std::string common_head;
  std::atomic<std::size_t> connections{0};
  /// Bytes reserved by request bodies in flight (see server_config::max_body_memory).
  std::atomic<std::size_t> body_bytes{0};
};

/// Holds one unit of `shared_state::connections` for as long as it lives, so
/// the count stays right even if a connection's coroutine never starts.
class connection_slot {
 public:
  explicit connection_slot(std::shared_ptr<shared_state> s) noexcept : state_(std::move(s)) {
    state_->connections.fetch_add(1, std::memory_order_relaxed);
  }
  connection_slot(connection_slot&&) noexcept = default;
  connection_slot& operator=(connection_slot&&) = delete;
  ~connection_slot() {
    if (state_) state_->connections.fetch_sub(1, std::memory_order_relaxed);
  }

 private:
  std::shared_ptr<shared_state> state_;
};

class connection;

/// One network thread: its io_context and everything only that thread touches,
/// so that connections never need a lock shared with other threads.
struct worker : std::enable_shared_from_this<worker> {
  explicit worker(std::shared_ptr<shared_state> s) : shared(std::move(s)) {}
  ~worker() { guard.reset(); }  // before ctx: pending frames are destroyed with it
  worker(const worker&) = delete;
  worker& operator=(const worker&) = delete;

  /// The Date header value, recomputed at most once per second.
  std::string_view date() {
    auto now = std::time(nullptr);
    if (now != date_second) {
      date_text = http_date_of(now);
      date_second = now;
    }
    return date_text;
  }
  /// Logs a line through this thread's sink (never blocks on stderr).
  void log(std::string_view line);

  std::shared_ptr<shared_state> shared;
  log_sink sink;
  log_flusher* flusher = nullptr;     ///< set while the server runs
  connection* connections = nullptr;  ///< intrusive list, for closing idle ones on stop
  std::size_t live = 0;
  bool stopping = false;
  std::time_t date_second = -1;
  std::string date_text;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard;
  asio::io_context ctx{1};  ///< last member: destroyed first

 private:
  static std::string http_date_of(std::time_t t);
};

/// The worker whose io_context the current thread is running, if any.
extern thread_local worker* current_worker;

/// One request and the slot for its answer, shared by the connection and the
/// responder so that the request outlives the connection if it must.
struct exchange {
  explicit exchange(worker& w) : owner(w.weak_from_this()), owner_raw(&w) {}
  request req;
  response res;
  const std::weak_ptr<worker> owner;
  worker* const owner_raw;     ///< compared only, to detect the owner's thread
  connection* conn = nullptr;  ///< read and written on the owner's thread only
};

/// Makes the responder for an exchange (responder's constructor is private).
struct connection_access {
  static responder make(std::shared_ptr<exchange> ex) noexcept { return responder(std::move(ex)); }
};

/// On the connection's thread: its application answer is in its exchange.
void on_reply(connection& c);

/// Starts serving `socket` on `w` (callable from any thread).
void start_connection(worker& w, asio::ip::tcp::socket socket, connection_slot slot);
/// On `w`'s thread: refuse new requests, close idle connections, and let the
/// io_context run out of work once the last connection is gone.
void begin_stop(worker& w);
/// On `w`'s thread, when the grace period is over: close every connection
/// and stop the io_context (requests still being handled get no answer).
void force_stop(worker& w);

}  // namespace mizan::http::detail
