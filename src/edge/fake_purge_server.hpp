// A loopback HTTP server for the purger's tests: it records every request and
// answers with a chosen status, late, or never; or refuses connections.
#pragma once

#include <fmt/format.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <future>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

// GCC 12 at -O2 flags asio's coroutine frame deallocation as mismatched
// (-Wmismatched-new-delete, a false positive on awaitable_frame_base's own
// operator new/delete); the warning is off for this header's coroutines only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace mizan::edge::test {

/// One request as the server read it; header names lower-cased.
struct recorded_request {
  std::string method, target, body;
  std::map<std::string, std::string> headers;
  std::size_t connection = 0;  ///< which accepted connection carried it, from 1

  std::string header(const std::string& name) const {
    const auto it = headers.find(name);
    return it == headers.end() ? std::string{} : it->second;
  }
};

/// Listens on 127.0.0.1, port 0, from a thread of its own.
/// Thread-safe: tests change its answers while the purger talks to it.
class fake_purge_server {
 public:
  fake_purge_server() {
    acceptor_.open(tcp::v4());
    acceptor_.bind({boost::asio::ip::make_address("127.0.0.1"), 0});
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    boost::asio::co_spawn(io_, accept_loop(), boost::asio::detached);
    thread_ = std::thread([this] { io_.run(); });
  }
  ~fake_purge_server() {
    io_.stop();
    thread_.join();
  }
  fake_purge_server(const fake_purge_server&) = delete;
  fake_purge_server& operator=(const fake_purge_server&) = delete;

  std::string url(std::string_view path = "/") const {
    return fmt::format("http://127.0.0.1:{}{}", port_, path);
  }

  /// Answers the next requests with `status` and `body`.
  void answer(unsigned status, std::string body = "") {
    std::lock_guard lock(mutex_);
    status_ = status;
    body_ = std::move(body);
  }
  /// Waits `delay` before each answer.
  void delay(std::chrono::milliseconds delay) {
    std::lock_guard lock(mutex_);
    delay_ = delay;
  }
  /// Reads requests but never answers them.
  void freeze() {
    std::lock_guard lock(mutex_);
    frozen_ = true;
  }
  /// Closes the listener: connecting is refused from now on.
  void refuse() {
    std::promise<void> done;
    boost::asio::post(io_, [&] {
      acceptor_.close();
      done.set_value();
    });
    done.get_future().wait();
  }

  std::vector<recorded_request> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  /// Waits until `n` requests arrived; false on timeout.
  bool wait_for(std::size_t n, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    return arrived_.wait_for(lock, timeout, [&] { return requests_.size() >= n; });
  }

 private:
  using tcp = boost::asio::ip::tcp;
  static constexpr auto nothrow = boost::asio::as_tuple(boost::asio::use_awaitable);

  boost::asio::awaitable<void> accept_loop() {
    for (std::size_t n = 1;; ++n) {
      auto [ec, socket] = co_await acceptor_.async_accept(nothrow);
      if (ec) co_return;
      boost::asio::co_spawn(io_, session(std::move(socket), n), boost::asio::detached);
    }
  }

  boost::asio::awaitable<void> session(tcp::socket socket, std::size_t connection) {
    namespace http = boost::beast::http;
    boost::beast::flat_buffer buffer;
    boost::asio::steady_timer timer(io_);
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.header_limit(64 << 10);
      auto [read_ec, read] = co_await http::async_read(socket, buffer, parser, nothrow);
      if (read_ec) co_return;
      const auto& req = parser.get();
      recorded_request r{
          std::string(req.method_string()), std::string(req.target()), req.body(), {}, connection};
      for (const auto& field : req) {
        std::string name(field.name_string());
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        r.headers[name] = std::string(field.value());
      }
      http::response<http::string_body> res;
      std::chrono::milliseconds delay{};
      bool frozen = false;
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(std::move(r));
        res.result(status_);
        res.body() = body_;
        delay = delay_;
        frozen = frozen_;
      }
      arrived_.notify_all();
      timer.expires_after(frozen ? std::chrono::hours(24) : delay);
      co_await timer.async_wait(nothrow);
      res.version(11);
      res.keep_alive(req.keep_alive());
      res.prepare_payload();
      auto [write_ec, written] = co_await http::async_write(socket, res, nothrow);
      if (write_ec || !res.keep_alive()) co_return;
    }
  }

  boost::asio::io_context io_{1};
  tcp::acceptor acceptor_{io_};
  unsigned short port_ = 0;
  std::thread thread_;
  mutable std::mutex mutex_;
  mutable std::condition_variable arrived_;
  std::vector<recorded_request> requests_;
  unsigned status_ = 200;
  std::string body_;
  std::chrono::milliseconds delay_{0};
  bool frozen_ = false;
};

}  // namespace mizan::edge::test

#pragma GCC diagnostic pop
