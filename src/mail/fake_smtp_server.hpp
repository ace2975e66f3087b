// A loopback SMTP server for the mail tests: multi-line EHLO, a chosen reply
// to RCPT TO for the first N connections, or silence, STARTTLS or TLS with
// a self-signed certificate; records what it takes.
#pragma once

#include "mail/test_certificate.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace mizan::mail::test {

struct received {
  std::string auth, mail_from, rcpt_to, data;  // data: dot-stuffed as sent, with the end marker
  bool tls = false;                            ///< taken over TLS
};

enum class tls_mode { none, starttls, implicit };

/// Listens on 127.0.0.1, port 0, from a thread of its own. Set the public
/// knobs before a client connects.
class fake_smtp_server {
 public:
  /// RCPT TO gets `rcpt_reply` on the first `failing_connections`
  /// connections, "250 ok" after.
  std::string rcpt_reply = "451 4.3.0 try again later";
  int failing_connections = 0;
  bool silent = false;  ///< accept, then never say anything
  /// STARTTLS offered, or TLS from the first byte (test_certificate.hpp).
  tls_mode tls = tls_mode::none;
  /// Sends a reply line right behind STARTTLS's 220, in the same write.
  bool inject_after_starttls = false;

  /// Port 0: any free one.
  explicit fake_smtp_server(unsigned short port = 0) {
    acceptor_.open(tcp::v4());
    acceptor_.set_option(tcp::acceptor::reuse_address(true));
    acceptor_.bind({boost::asio::ip::make_address("127.0.0.1"), port});
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
  }
  ~fake_smtp_server() {
    io_.stop();
    if (thread_.joinable()) thread_.join();
  }
  void start() {
    boost::asio::co_spawn(io_, accept_loop(), boost::asio::detached);
    thread_ = std::thread([this] { io_.run(); });
  }

  unsigned short port() const { return port_; }
  int connections() const { return connections_; }
  std::vector<received> messages() const {
    std::lock_guard lock(mutex_);
    return messages_;
  }
  /// Waits up to `limit` for `n` messages.
  bool wait_for(std::size_t n, std::chrono::milliseconds limit) const {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
      if (messages().size() >= n) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

 private:
  using tcp = boost::asio::ip::tcp;

  boost::asio::awaitable<void> accept_loop() {
    for (;;) {
      auto socket = co_await acceptor_.async_accept(boost::asio::use_awaitable);
      const int n = ++connections_;
      boost::asio::co_spawn(io_, converse(std::move(socket), n), boost::asio::detached);
    }
  }

  template <class Stream>
  static boost::asio::awaitable<void> say(Stream& s, std::string text) {
    co_await boost::asio::async_write(s, boost::asio::buffer(text), boost::asio::use_awaitable);
  }

  template <class Stream>
  static boost::asio::awaitable<std::string> line(Stream& s, std::string& buffer) {
    const auto size = co_await boost::asio::async_read_until(s, boost::asio::dynamic_buffer(buffer),
                                                             "\r\n", boost::asio::use_awaitable);
    std::string out = buffer.substr(0, size - 2);
    buffer.erase(0, size);
    co_return out;
  }

  boost::asio::awaitable<void> converse(tcp::socket s, int n) {
    std::string buffer;
    if (silent) {
      co_await line(s, buffer);  // never comes: the client gives up first
      co_return;
    }
    if (tls == tls_mode::implicit) {
      boost::asio::ssl::stream<tcp::socket> secure(std::move(s), tls_context_);
      co_await secure.async_handshake(boost::asio::ssl::stream_base::server,
                                      boost::asio::use_awaitable);
      co_await say(secure, "220 fake ESMTP\r\n");
      co_await dialog(secure, buffer, n, true);
      co_return;
    }
    co_await say(s, "220 fake ESMTP\r\n");
    if (!co_await dialog(s, buffer, n, false)) co_return;
    boost::asio::ssl::stream<tcp::socket> secure(std::move(s), tls_context_);
    co_await secure.async_handshake(boost::asio::ssl::stream_base::server,
                                    boost::asio::use_awaitable);
    co_await dialog(secure, buffer, n, true);
  }

  // Until QUIT (false) or STARTTLS (true).
  template <class Stream>
  boost::asio::awaitable<bool> dialog(Stream& s, std::string& buffer, int n, bool secure) {
    received r;
    r.tls = secure;
    for (;;) {
      const std::string cmd = co_await line(s, buffer);
      if (cmd.starts_with("EHLO")) {
        std::string answer = "250-fake greets you\r\n250-8BITMIME\r\n";
        if (tls == tls_mode::starttls && !secure) answer += "250-STARTTLS\r\n";
        answer += "250 SIZE 1000000\r\n";
        co_await say(s, std::move(answer));
      } else if (cmd == "STARTTLS" && tls == tls_mode::starttls && !secure) {
        std::string answer = "220 2.0.0 go ahead\r\n";
        if (inject_after_starttls) answer += "250 injected\r\n";
        co_await say(s, std::move(answer));
        co_return true;
      } else if (cmd.starts_with("AUTH")) {
        r.auth = cmd;
        co_await say(s, "235 2.7.0 ok\r\n");
      } else if (cmd.starts_with("MAIL FROM:")) {
        r.mail_from = cmd.substr(10);
        co_await say(s, "250 ok\r\n");
      } else if (cmd.starts_with("RCPT TO:")) {
        r.rcpt_to = cmd.substr(8);
        // A named string: GCC 12 destroys a conditional's temporary in a
        // co_await argument twice.
        std::string answer = n <= failing_connections ? rcpt_reply + "\r\n" : "250 ok\r\n";
        co_await say(s, std::move(answer));
      } else if (cmd == "DATA") {
        co_await say(s, "354 go on\r\n");
        for (;;) {
          const std::string l = co_await line(s, buffer);
          r.data += l + "\r\n";
          if (l == ".") break;
        }
        {
          std::lock_guard lock(mutex_);
          messages_.push_back(r);
        }
        co_await say(s, "250 2.0.0 queued\r\n");
      } else if (cmd == "QUIT") {
        co_await say(s, "221 bye\r\n");
        co_return false;
      } else {
        co_await say(s, "502 what\r\n");
      }
    }
  }

  boost::asio::ssl::context make_tls_context() {
    boost::asio::ssl::context c(boost::asio::ssl::context::tls_server);
    c.use_certificate_chain(boost::asio::buffer(std::string_view(certificate_pem)));
    c.use_private_key(boost::asio::buffer(std::string_view(key_pem)),
                      boost::asio::ssl::context::pem);
    return c;
  }

  boost::asio::io_context io_{1};
  boost::asio::ssl::context tls_context_ = make_tls_context();
  tcp::acceptor acceptor_{io_};
  unsigned short port_ = 0;
  std::atomic<int> connections_{0};
  mutable std::mutex mutex_;
  std::vector<received> messages_;
  std::thread thread_;
};

}  // namespace mizan::mail::test

#pragma GCC diagnostic pop
