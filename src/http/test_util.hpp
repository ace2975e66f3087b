// Test support for the HTTP server tests: a server running on its own thread,
// a blocking POSIX-socket client, and a handler with one route per behaviour.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "http/message.hpp"
#include "http/server.hpp"

namespace mizan::http::test {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

/// Short timeouts, two network threads, no access log.
inline server_config test_config() {
  server_config c;
  c.port = 0;
  c.threads = 2;
  c.access_log = false;
  c.header_timeout = 2s;
  c.body_timeout = 2s;
  c.idle_timeout = 2s;
  c.write_timeout = 2s;
  c.shutdown_grace = 2s;
  return c;
}

/// Routes: /echo, /slow?ms=N (answers from the pool), /throw, /drop, /crlf,
/// /status?code=N, /shared, /capacity (the body buffer's capacity), /hold
/// (answered by release()).
class test_handler : public handler {
 public:
  explicit test_handler(blocking_pool* pool = nullptr) : pool_(pool) {}

  void handle(const request& req, responder res) override {
    ++calls;
    auto path = req.path();
    if (path == "/echo") {
      res.send(echo(req));
    } else if (path == "/slow") {
      int ms = 0;
      auto q = req.query();
      std::from_chars(q.data() + 3, q.data() + q.size(), ms);  // "ms=N..."
      // `req` is used after handle() returns: it must stay valid until send().
      pool_->post([&req, r = std::move(res), ms]() mutable {
        std::this_thread::sleep_for(std::chrono::milliseconds(ms));
        r.send(echo(req));
      });
    } else if (path == "/throw") {
      throw std::runtime_error("boom");
    } else if (path == "/drop") {
      return;  // the responder goes out of scope unanswered
    } else if (path == "/crlf") {
      response r;
      r.headers.push_back({"X-Ok", "fine"});
      r.headers.push_back({"X-Bad", "a\r\nInjected: yes"});
      r.body = "should not be seen";
      res.send(std::move(r));
    } else if (path == "/status") {
      response r;
      std::from_chars(req.query().data() + 5, req.query().data() + req.query().size(), r.status);
      r.body = "ignored for 204 and 304";
      res.send(std::move(r));
    } else if (path == "/capacity") {
      response r;
      r.body = std::to_string(req.body.capacity());
      res.send(std::move(r));
    } else if (path == "/hold") {
      // Answers when release() is called: the body stays in flight until then.
      std::lock_guard lock(held_mutex_);
      held_.push_back(std::move(res));
    } else if (path == "/shared") {
      response r;
      r.shared_body = shared_body;
      res.send(std::move(r));
    } else {
      response r;
      r.status = 404;
      res.send(std::move(r));
    }
  }

  /// "METHOD TARGET\nBODY", with the version and peer in headers.
  static response echo(const request& req) {
    response r;
    r.headers.push_back({"Content-Type", "text/plain"});
    r.headers.push_back({"X-Version", std::to_string(req.version)});
    r.headers.push_back({"X-Remote", req.remote_address});
    r.body = req.method + " " + req.target + "\n" + req.body;
    return r;
  }

  /// Answers every /hold request received so far.
  void release() {
    std::vector<responder> held;
    {
      std::lock_guard lock(held_mutex_);
      held.swap(held_);
    }
    for (auto& r : held) r.send(response{});
  }
  std::size_t held() {
    std::lock_guard lock(held_mutex_);
    return held_.size();
  }

  std::atomic<int> calls{0};
  std::shared_ptr<const std::string> shared_body = std::make_shared<const std::string>("cached");

 private:
  blocking_pool* pool_;
  std::mutex held_mutex_;
  std::vector<responder> held_;
};

/// A server running on its own thread; stopped and joined on destruction.
class running_server {
 public:
  running_server(server_config config, handler& h)
      : server_(std::move(config), h), thread_([this] {
          server_.run();
          returned_ = true;
        }) {}
  ~running_server() { join(); }

  std::uint16_t port() const { return server_.port(); }
  std::size_t body_bytes() const { return server_.body_bytes_in_flight(); }
  void stop() { server_.stop(); }
  void join() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }
  bool returned() const { return returned_; }
  /// Waits until run() has returned, for at most `limit`.
  bool wait_returned(std::chrono::milliseconds limit) const {
    auto end = steady::now() + limit;
    while (!returned_ && steady::now() < end) std::this_thread::sleep_for(5ms);
    return returned_;
  }

 private:
  server server_;
  std::thread thread_;
  std::atomic<bool> returned_{false};
};

/// One parsed response.
struct reply {
  int status = 0;
  std::string head;  ///< status line and headers, raw
  std::vector<header> headers;
  std::string body;
  const std::string* find(std::string_view name) const {
    for (const auto& h : headers) {
      if (iequals(h.name, name)) return &h.value;
    }
    return nullptr;
  }
  /// The header's value, or "<missing>".
  std::string value(std::string_view name) const {
    auto* v = find(name);
    return v ? *v : "<missing>";
  }
};

/// A blocking client socket with a receive timeout.
class client {
 public:
  explicit client(std::uint16_t port, std::chrono::milliseconds timeout = 3000ms) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    timeval tv{static_cast<time_t>(timeout.count() / 1000),
               static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~client() { ::close(fd_); }
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  bool connected() const { return connected_; }

  bool send(std::string_view data) {
    while (!data.empty()) {
      auto n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  /// Reads one response; `head_request` when it answers HEAD (no body).
  std::optional<reply> read_response(bool head_request = false) {
    std::size_t end;
    while ((end = in_.find("\r\n\r\n")) == std::string::npos) {
      if (!fill()) return std::nullopt;
    }
    reply r;
    r.head = in_.substr(0, end + 2);
    in_.erase(0, end + 4);
    auto line_end = r.head.find("\r\n");
    std::string_view status_line(r.head.data(), line_end);
    if (status_line.size() < 12 || status_line.substr(0, 9) != "HTTP/1.1 ") return std::nullopt;
    std::from_chars(status_line.data() + 9, status_line.data() + 12, r.status);
    for (auto pos = line_end + 2; pos < r.head.size();) {
      auto eol = r.head.find("\r\n", pos);
      std::string_view line(r.head.data() + pos, eol - pos);
      auto colon = line.find(':');
      auto value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      r.headers.push_back({std::string(line.substr(0, colon)), std::string(value)});
      pos = eol + 2;
    }
    std::size_t length = 0;
    if (auto* cl = r.find("content-length"); cl && !head_request) {
      std::from_chars(cl->data(), cl->data() + cl->size(), length);
    }
    while (in_.size() < length) {
      if (!fill()) return std::nullopt;
    }
    r.body = in_.substr(0, length);
    in_.erase(0, length);
    return r;
  }

  /// Skips an interim "100 Continue" response, returning whether there was one.
  bool read_continue() {
    static constexpr std::string_view interim = "HTTP/1.1 100 Continue\r\n\r\n";
    while (in_.size() < interim.size()) {
      if (!fill()) return false;
    }
    if (in_.compare(0, interim.size(), interim) != 0) return false;
    in_.erase(0, interim.size());
    return true;
  }

  /// Everything until the peer closes (or an error/timeout).
  std::string read_until_close() {
    while (fill()) {
    }
    return std::exchange(in_, {});
  }

  /// Whether the peer closed the connection (EOF or reset) within `limit`,
  /// discarding any data received meanwhile.
  bool closed_within(std::chrono::milliseconds limit) {
    auto end = steady::now() + limit;
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - steady::now());
      if (left.count() <= 0) return false;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char buf[4096];
      auto n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return true;
    }
  }

  /// Bytes received but not yet returned.
  const std::string& pending() const { return in_; }

 private:
  bool fill() {
    char buf[16384];
    auto n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return false;
    in_.append(buf, static_cast<std::size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string in_;
};

/// "GET <target> HTTP/1.1" with a Host header and `extra` header lines.
inline std::string get(std::string_view target, std::string_view extra = "") {
  std::string r = "GET ";
  r.append(target).append(" HTTP/1.1\r\nHost: test\r\n").append(extra).append("\r\n");
  return r;
}

}  // namespace mizan::http::test
