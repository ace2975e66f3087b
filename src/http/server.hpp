// The HTTP/1.1 server: configuration, the handler interface, and the pool for
// blocking work. Beast and Asio stay behind a pimpl so that this header is
// cheap to include.
#pragma once

#include <atomic>
#include <chrono>
#include <concepts>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "http/message.hpp"

namespace mizan::http {

namespace detail {
struct exchange;
struct connection_access;
class server_impl;
struct upgraded_connection;
/// Destroys an upgraded connection where its type is complete (Asio).
struct upgraded_deleter {
  void operator()(upgraded_connection* c) const noexcept;
};
}  // namespace detail

/// A connection handed to the application after a request to switch
/// protocols: its socket, on its network thread. Opaque here (it holds Asio
/// types); `http/upgrade.hpp` opens it to the module that speaks the new
/// protocol.
using upgraded = std::unique_ptr<detail::upgraded_connection, detail::upgraded_deleter>;

/// What the application says of a request asking to switch protocols.
struct upgrade_verdict {
  /// Take the connection: `handler::upgrade` is called with it.
  bool accept = false;
  /// Otherwise, when set, this answer is written and the connection closed;
  /// when not, the request is handled as any other (`handler::handle`).
  std::optional<response> refusal;
};

/// The one-shot right to answer a request.
///
/// Move-only and cheap (one shared pointer). `send` may be called from any
/// thread, at most once; later calls are ignored. Sending from a thread that is
/// not the connection's network thread posts the response to that thread. A
/// responder destroyed without having sent answers 500 `internal`, so a request
/// can never be left hanging (for example when the handler throws). After the
/// server is destroyed, `send` drops the response.
class responder {
 public:
  responder() noexcept = default;
  responder(responder&&) noexcept = default;
  /// An unanswered request held by `*this` is answered 500 first.
  responder& operator=(responder&& other) noexcept;
  responder(const responder&) = delete;
  responder& operator=(const responder&) = delete;
  ~responder();

  /// Answers the request. Thread-safe; no-op when `valid()` is false.
  void send(response&& res);
  /// True until `send` has been called (or the responder was moved from).
  bool valid() const noexcept { return ex_ != nullptr; }

 private:
  friend struct detail::connection_access;
  explicit responder(std::shared_ptr<detail::exchange> ex) noexcept : ex_(std::move(ex)) {}
  std::shared_ptr<detail::exchange> ex_;
};

/// What the application implements.
class handler {
 public:
  virtual ~handler() = default;
  /// Called on a network thread. Must not block: answer at once, or hand the
  /// work to a `blocking_pool` and answer from there. `req` stays alive and
  /// unchanged until `res.send()` (it is owned together with the responder).
  /// An exception escaping here is logged and answered with 500.
  virtual void handle(const request& req, responder res) = 0;

  /// For a GET with `Upgrade: websocket`. Network thread; must not block.
  virtual upgrade_verdict check_upgrade(const request& req) {
    (void)req;
    return {};
  }
  /// Takes over the connection of an accepted upgrade; `req` is its request.
  /// Network thread; must not block. The server no longer counts or closes
  /// the connection: the application does (see `stopping`).
  virtual void upgrade(request&& req, upgraded connection) {
    (void)req;
    (void)connection;
  }
  /// The server has begun to stop: connections taken over by `upgrade` must
  /// close now, or they hold their network thread until the grace period
  /// ends. Called once, from the thread that stops the server.
  virtual void stopping() {}
  /// SIGTERM or SIGINT arrived and the server drains (server_config::drain):
  /// it still serves, but a load balancer should stop sending it requests.
  /// Called once, from the thread that stops the server, before `stopping`.
  virtual void draining() {}
};

namespace detail {
/// A move-only `void()` callable, so that jobs can own a responder.
class job {
 public:
  template <typename F>
  requires(!std::same_as<std::decay_t<F>, job>) explicit job(F&& f)
      : impl_(std::make_unique<model<std::decay_t<F>>>(std::forward<F>(f))) {}
  void operator()() { impl_->run(); }

 private:
  struct base {
    virtual ~base() = default;
    virtual void run() = 0;
  };
  template <typename F>
  struct model final : base {
    explicit model(F&& f) : fn(std::move(f)) {}
    explicit model(const F& f) : fn(f) {}
    void run() override { fn(); }
    F fn;
  };
  std::unique_ptr<base> impl_;
};
}  // namespace detail

/// A fixed set of threads for blocking work (database, password hashing).
///
/// Jobs run in FIFO order; an exception escaping a job is logged to stderr and
/// the thread carries on. Thread-safe. Must not be joined or destroyed from one
/// of its own jobs.
///
/// Example:
///   pool.post([&req, res = std::move(res)]() mutable { res.send(slow_work(req)); });
class blocking_pool {
 public:
  /// Starts `threads` threads (at least one). A worker that finds the queue
  /// empty watches it for `spin` before it sleeps: under load the next job
  /// comes within microseconds, and sleeping then waking costs two context
  /// switches (bench/README.md measures the difference). Workers run with
  /// `nice` added to the process's niceness (Linux: per thread), so that
  /// when cores are short the network threads, which no other thread can
  /// stand in for, run first.
  /// `on_idle`, if given, runs on a worker that is about to sleep for want
  /// of work (it may give back what other threads wait for, such as a
  /// pooled database connection); it must not throw.
  static constexpr std::chrono::nanoseconds default_spin = std::chrono::microseconds(20);
  explicit blocking_pool(std::size_t threads, std::chrono::nanoseconds spin = default_spin,
                         int nice = 0, std::function<void()> on_idle = {});
  /// Joins (see `join`).
  ~blocking_pool();
  blocking_pool(const blocking_pool&) = delete;
  blocking_pool& operator=(const blocking_pool&) = delete;

  /// Queues a job. Throws std::logic_error once `join` has begun.
  void post(std::function<void()> job) { post_job(detail::job(std::move(job))); }
  /// Same, for move-only callables (e.g. a lambda owning a responder).
  template <typename F>
  requires std::invocable < std::decay_t<F>
  & > void post(F&& job) { post_job(detail::job(std::forward<F>(job))); }
  /// Runs every job already queued, then stops the threads. Idempotent.
  void join();

 private:
  void post_job(detail::job job);
  void work();

  /// Returns once a job is queued, or after `spin_`.
  void spin_for_work() noexcept;

  const std::chrono::nanoseconds spin_;
  const int nice_;
  const std::function<void()> on_idle_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<detail::job> jobs_;
  bool closing_ = false;
  std::atomic<std::size_t> queued_{0};    ///< jobs_.size(), read without the lock
  std::atomic<std::size_t> spinning_{0};  ///< workers watching the queue before they sleep
  std::vector<std::thread> threads_;
};

/// Server settings; every limit has a safe default.
struct server_config {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8000;  ///< 0 = ephemeral (tests); see server::port()
  std::size_t threads = std::thread::hardware_concurrency();  ///< network threads, at least 1
  std::size_t max_header_bytes = 16 * 1024;  ///< request line + headers; over it: 400
  std::size_t max_body_bytes = 1024 * 1024;  ///< over it: 413
  /// Absolute deadline for the whole header (also for the first request of a
  /// new connection to start).
  std::chrono::milliseconds header_timeout{10000};
  /// Between reads of the body, and the body's first allowance (see below).
  std::chrono::milliseconds body_timeout{10000};
  /// The slowest body accepted, in bytes per second (0: no minimum). The whole
  /// body must arrive within `body_timeout` plus one second per this many
  /// bytes received, as Apache's mod_reqtimeout `MinRate` does, so a body
  /// trickled a byte at a time cannot hold a connection slot for ever.
  std::size_t body_min_rate = 500;
  /// Request bodies of the whole process held in memory at once, from the
  /// first byte read to the response written. A body that would exceed it is
  /// answered 503 `unavailable` with Retry-After, so memory never grows with
  /// the number of clients sending large bodies.
  std::size_t max_body_memory = 64 * 1024 * 1024;
  /// Capacity a kept-alive connection may keep in its body buffer between
  /// requests; a larger buffer is given back after each request.
  std::size_t kept_body_bytes = 16 * 1024;
  std::chrono::milliseconds idle_timeout{60000};   ///< keep-alive wait for the next request
  std::chrono::milliseconds write_timeout{10000};  ///< for writing one response
  std::chrono::milliseconds shutdown_grace{
      10000};  ///< in-flight requests allowed to finish on stop
  /// After SIGINT or SIGTERM, how long to go on serving (handler::draining)
  /// before stopping; a second signal stops at once. stop() does not drain.
  std::chrono::milliseconds drain{0};
  std::size_t max_connections = 10000;  ///< beyond it, new connections are closed at once
  /// Headers sent with every response (the application's schema hash, say);
  /// checked once at start-up, written from one preformatted string.
  std::vector<header> response_headers;
  bool access_log = true;  ///< one line per request on stderr
};

/// An HTTP/1.1 server (keep-alive, in-order pipelining, no TLS).
///
/// Example:
///   my_handler h;
///   mizan::http::server s({.host = "127.0.0.1", .port = 8000}, h);
///   s.run();  // until SIGINT/SIGTERM or s.stop()
class server {
 public:
  /// Binds and listens at once. Throws std::runtime_error naming host:port on
  /// failure. `h` must outlive the server.
  server(server_config config, handler& h);
  /// Must not run concurrently with `run()`.
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  /// The bound port (useful with port 0).
  std::uint16_t port() const;
  /// Bytes reserved by request bodies now in flight (see `max_body_memory`).
  std::size_t body_bytes_in_flight() const noexcept;
  /// Serves on `threads` network threads until stopped, by `stop()`, SIGINT or
  /// SIGTERM (signal handling is installed for the duration of the call), then
  /// returns. Call once.
  void run();
  /// Thread-safe, also before `run()`. Graceful: stops accepting, closes idle
  /// connections, lets requests being handled finish and be written (up to
  /// `shutdown_grace`), then `run()` returns.
  void stop();

 private:
  std::unique_ptr<detail::server_impl> impl_;
};

}  // namespace mizan::http
