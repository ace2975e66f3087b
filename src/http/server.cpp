// Listening, the network threads, and graceful shutdown.
//
// One acceptor hands accepted sockets round-robin to the network threads, each
// of which runs its own io_context; a connection then lives on one thread and
// never needs a lock. One acceptor rather than one per thread with
// SO_REUSEPORT because SO_REUSEPORT lets any other process of the same user
// bind the same port silently (a second instance would steal half of the
// connections instead of failing to start), closing one of several listening
// sockets resets the connections queued on it, and the kernel's hash spreads a
// few clients unevenly. Accepting is cheap next to serving, so one thread does.
#include <malloc.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <csignal>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "http/worker.hpp"

namespace mizan::http {

namespace detail {

using boost::system::error_code;
using tcp = asio::ip::tcp;

class server_impl {
 public:
  server_impl(server_config config, handler& h);
  ~server_impl();

  std::uint16_t port() const noexcept { return port_; }
  std::size_t body_bytes() const noexcept { return shared_->body_bytes.load(); }
  void run();
  void stop() {
    asio::post(control_, [this] { begin_shutdown(); });
  }

 private:
  asio::awaitable<void> accept_loop();
  void begin_shutdown();
  void on_signal();
  void on_worker_done();

  std::shared_ptr<shared_state> shared_;
  std::vector<std::shared_ptr<worker>> workers_;
  // Runs on the thread that calls run(): accepting, signals, the grace timer.
  asio::io_context control_{1};
  tcp::acceptor acceptor_{control_};
  asio::steady_timer grace_{control_};
  asio::steady_timer drain_{control_};
  asio::signal_set* signals_ = nullptr;
  std::uint16_t port_ = 0;
  std::size_t next_worker_ = 0;
  std::size_t workers_done_ = 0;
  bool shutting_down_ = false;
  bool draining_ = false;
  bool ran_ = false;
};

namespace {

// glibc raises its mmap threshold each time a large block is freed, up to
// 32 MiB, after which large request bodies come from the heap and their
// pages stay with the process when freed: a burst of 1 MiB bodies then holds
// its peak memory for good. A fixed threshold keeps every block of 128 KiB or
// more in its own mapping, returned to the system on free. The environment's
// MALLOC_MMAP_THRESHOLD_ still wins.
void return_large_blocks_to_the_system() {
  if (std::getenv("MALLOC_MMAP_THRESHOLD_") == nullptr) mallopt(M_MMAP_THRESHOLD, 128 * 1024);
}

tcp::endpoint resolve(asio::io_context& ctx, const std::string& host, std::uint16_t port) {
  error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (!ec) return {address, port};
  tcp::resolver resolver(ctx);
  auto results = resolver.resolve(host, std::to_string(port), ec);
  if (ec || results.empty()) {
    throw std::runtime_error("mizan: cannot resolve " + host + ":" + std::to_string(port) + ": " +
                             (ec ? ec.message() : "no address"));
  }
  return results.begin()->endpoint();
}

}  // namespace

server_impl::server_impl(server_config config, handler& h) {
  return_large_blocks_to_the_system();
  auto threads = config.threads == 0 ? std::size_t{1} : config.threads;
  shared_ = std::make_shared<shared_state>(std::move(config), h);
  const auto& cfg = shared_->config;
  auto endpoint = resolve(control_, cfg.host, cfg.port);
  error_code ec;
  auto where = [&] { return cfg.host + ":" + std::to_string(cfg.port); };
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw std::runtime_error("cannot listen on " + where() + ": " + ec.message());
  port_ = acceptor_.local_endpoint().port();
  workers_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) workers_.push_back(std::make_shared<worker>(shared_));
}

server_impl::~server_impl() {
  error_code ec;
  acceptor_.close(ec);
  // Worker io_contexts that still hold connections (grace period exceeded)
  // are destroyed with the workers, or later by the last responder holding one.
}

void server_impl::run() {
  if (ran_) throw std::logic_error("mizan::http::server::run called twice");
  ran_ = true;

  std::vector<log_sink*> sinks;
  for (auto& w : workers_) sinks.push_back(&w->sink);
  log_flusher flusher(std::move(sinks), 2);
  for (auto& w : workers_) {
    w->flusher = &flusher;
    w->guard.emplace(w->ctx.get_executor());
  }

  asio::signal_set signals(control_, SIGINT, SIGTERM);
  signals_ = &signals;
  signals.async_wait([this](error_code ec, int) {
    if (!ec) on_signal();
  });
  asio::co_spawn(control_, accept_loop(), [](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& x) {
      log_line(std::string("accept loop failed: ") + x.what());
    }
  });

  std::vector<std::thread> threads;
  threads.reserve(workers_.size());
  for (auto& w : workers_) {
    threads.emplace_back([this, w = w.get()] {
      current_worker = w;
      for (;;) {
        try {
          w->ctx.run();
          break;
        } catch (const std::exception& e) {
          w->log(std::string("network thread: ") + e.what());
        }
      }
      current_worker = nullptr;
      asio::post(control_, [this] { on_worker_done(); });
    });
  }

  control_.run();
  for (auto& t : threads) t.join();
  signals_ = nullptr;
  for (auto& w : workers_) w->flusher = nullptr;
}

asio::awaitable<void> server_impl::accept_loop() {
  constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);
  asio::steady_timer backoff(control_);
  for (;;) {
    auto& w = *workers_[next_worker_ % workers_.size()];
    asio::any_io_executor target = w.ctx.get_executor();
    auto [ec, socket] = co_await acceptor_.async_accept(target, nothrow);
    if (!acceptor_.is_open() || ec == asio::error::operation_aborted) co_return;
    if (ec) {
      // Out of descriptors and the like: retry later instead of spinning.
      log_line("accept failed: " + ec.message());
      backoff.expires_after(std::chrono::milliseconds(50));
      co_await backoff.async_wait(nothrow);
      continue;
    }
    if (shared_->connections.load(std::memory_order_relaxed) >= shared_->config.max_connections) {
      socket.close(ec);
      continue;
    }
    // Answers are written whole; Nagle would hold a second small write (a
    // socket's result after its push) until the peer's delayed ACK, 40 ms.
    socket.set_option(asio::ip::tcp::no_delay(true), ec);
    ++next_worker_;
    start_connection(w, std::move(socket), connection_slot(shared_));
  }
}

void server_impl::on_signal() {
  if (draining_ || shared_->config.drain <= std::chrono::milliseconds::zero()) {
    return begin_shutdown();
  }
  draining_ = true;
  try {
    shared_->app->draining();
  } catch (const std::exception& e) {
    log_line(std::string("handler failed to drain: ") + e.what());
  }
  // A second signal stops at once.
  signals_->async_wait([this](error_code ec, int) {
    if (!ec) begin_shutdown();
  });
  drain_.expires_after(shared_->config.drain);
  drain_.async_wait([this](error_code ec) {
    if (!ec) begin_shutdown();
  });
}

void server_impl::begin_shutdown() {
  if (shutting_down_) return;
  shutting_down_ = true;
  error_code ec;
  drain_.cancel();
  acceptor_.close(ec);
  if (signals_) signals_->cancel(ec);
  try {
    shared_->app->stopping();
  } catch (const std::exception& e) {
    log_line(std::string("handler failed to stop: ") + e.what());
  }
  for (auto& w : workers_) asio::post(w->ctx, [w = w.get()] { begin_stop(*w); });
  grace_.expires_after(shared_->config.shutdown_grace);
  grace_.async_wait([this](error_code ec) {
    if (ec) return;
    log_line("shutdown grace period over: closing the remaining connections");
    for (auto& w : workers_) asio::post(w->ctx, [w = w.get()] { force_stop(*w); });
  });
}

void server_impl::on_worker_done() {
  if (++workers_done_ == workers_.size()) grace_.cancel();
}

}  // namespace detail

server::server(server_config config, handler& h)
    : impl_(std::make_unique<detail::server_impl>(std::move(config), h)) {}

server::~server() = default;

std::uint16_t server::port() const {
  return impl_->port();
}

std::size_t server::body_bytes_in_flight() const noexcept {
  return impl_->body_bytes();
}

void server::run() {
  impl_->run();
}

void server::stop() {
  impl_->stop();
}

}  // namespace mizan::http
