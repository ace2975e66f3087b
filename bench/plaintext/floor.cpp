// The benchmark's floor: about the least an HTTP/1.1 server on Beast can do
// per request (TechEmpower's "plaintext": Hello, World!, keep-alive, with Date
// and Server headers). It is threaded the way mizan::http::server is, one
// acceptor handing sockets round-robin to one io_context per network thread,
// and uses the same stream type, deadlines and buffer limit, so that the ratio
// of a Mizan row to this one measures what Mizan adds, not what Beast costs.
//
// Usage: mizan_bench_floor [port] [threads]   (port 0: any free port)
#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);

// Mizan's defaults (server_config), so both servers arm the same timers.
constexpr auto idle_timeout = std::chrono::seconds(60);
constexpr auto write_timeout = std::chrono::seconds(10);
constexpr std::size_t buffer_limit = 16 * 1024 + 8 * 1024;

/// The Date header, formatted at most once per second per thread (as Mizan does).
const std::string& http_date() {
  thread_local std::time_t second = -1;
  thread_local std::string text;
  const std::time_t now = std::time(nullptr);
  if (now != second) {
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[64];
    text.assign(buf, std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm));
    second = now;
  }
  return text;
}

asio::awaitable<void> serve(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer(buffer_limit);
  for (;;) {
    bhttp::request<bhttp::string_body> req;
    stream.expires_after(idle_timeout);
    auto [rec, rn] = co_await bhttp::async_read(stream, buffer, req, nothrow);
    if (rec) break;
    bhttp::response<bhttp::string_body> res{bhttp::status::ok, req.version()};
    res.set(bhttp::field::server, "floor");
    res.set(bhttp::field::date, http_date());
    res.set(bhttp::field::content_type, "text/plain");
    res.body() = "Hello, World!";
    res.keep_alive(req.keep_alive());
    res.prepare_payload();
    stream.expires_after(write_timeout);
    auto [wec, wn] = co_await bhttp::async_write(stream, res, nothrow);
    if (wec || !res.keep_alive()) break;
  }
  boost::system::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
}

struct worker {
  asio::io_context ctx{1};
  asio::executor_work_guard<asio::io_context::executor_type> guard{ctx.get_executor()};
};

asio::awaitable<void> accept_loop(tcp::acceptor& acceptor,
                                  std::vector<std::unique_ptr<worker>>& ws) {
  for (std::size_t next = 0;; ++next) {
    auto& w = *ws[next % ws.size()];
    auto [ec, socket] = co_await acceptor.async_accept(w.ctx, nothrow);
    if (!acceptor.is_open()) co_return;
    if (ec) continue;
    asio::co_spawn(w.ctx, serve(std::move(socket)), asio::detached);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const auto port = static_cast<unsigned short>(argc > 1 ? std::atoi(argv[1]) : 0);
  const auto threads = static_cast<std::size_t>(argc > 2 ? std::max(1, std::atoi(argv[2])) : 1);

  asio::io_context control{1};
  tcp::acceptor acceptor(control);
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port);
  acceptor.open(endpoint.protocol());
  acceptor.set_option(tcp::acceptor::reuse_address(true));
  acceptor.bind(endpoint);
  acceptor.listen(asio::socket_base::max_listen_connections);

  std::vector<std::unique_ptr<worker>> workers;
  for (std::size_t i = 0; i < threads; ++i) workers.push_back(std::make_unique<worker>());

  asio::signal_set signals(control, SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code, int) {
    boost::system::error_code ec;
    acceptor.close(ec);
    for (auto& w : workers) w->ctx.stop();
  });
  asio::co_spawn(control, accept_loop(acceptor, workers), asio::detached);

  std::printf("floor serving http://127.0.0.1:%u/ on %zu thread(s)\n",
              static_cast<unsigned>(acceptor.local_endpoint().port()), threads);
  std::fflush(stdout);

  std::vector<std::thread> pool;
  for (auto& w : workers) pool.emplace_back([&ctx = w->ctx] { ctx.run(); });
  control.run();
  for (auto& t : pool) t.join();
  return 0;
}
