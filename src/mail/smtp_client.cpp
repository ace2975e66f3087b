#include "mail/smtp_client.hpp"

#include <fmt/format.h>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <openssl/ssl.h>

#include <cctype>
#include <stdexcept>

// GCC 12 at -O2 flags asio's coroutine frame deallocation as mismatched
// (-Wmismatched-new-delete, a false positive on awaitable_frame_base).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace mizan::mail {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;

constexpr std::size_t max_reply_bytes = 64 * 1024;

// Ends the attempt with its outcome; caught once, in deliver().
struct attempt_over {
  delivery result;
};

[[noreturn]] void temporary(std::string why) {
  throw attempt_over{{delivery_status::temporary, std::move(why)}};
}

struct reply {
  int code = 0;
  std::string text;  // every line, without codes, joined by '\n'
};

beast::tcp_stream& lowest(beast::tcp_stream& s) {
  return s;
}
beast::tcp_stream& lowest(tls_stream& s) {
  return s.next_layer();
}

// A reply: lines "250-..." continue it, "250 ..." (or "250") ends it.
template <class Stream>
asio::awaitable<reply> read_reply(Stream& s, std::string& buffer,
                                  std::chrono::milliseconds timeout) {
  reply out;
  lowest(s).expires_after(timeout);
  for (;;) {
    std::size_t n = 0;
    try {
      n = co_await asio::async_read_until(s, asio::dynamic_buffer(buffer, max_reply_bytes), "\r\n",
                                          asio::use_awaitable);
    } catch (const boost::system::system_error& e) {
      temporary(e.code() == beast::error::timeout ? "no reply in time"
                                                  : fmt::format("reading: {}", e.code().message()));
    }
    const std::string line = buffer.substr(0, n - 2);
    buffer.erase(0, n);
    if (line.size() < 3 || !std::isdigit(static_cast<unsigned char>(line[0])) ||
        !std::isdigit(static_cast<unsigned char>(line[1])) ||
        !std::isdigit(static_cast<unsigned char>(line[2])) ||
        (line.size() > 3 && line[3] != ' ' && line[3] != '-')) {
      temporary("a reply that is not SMTP");
    }
    const int code = std::stoi(line.substr(0, 3));
    if (out.code != 0 && code != out.code) temporary("a multi-line reply changed its code");
    out.code = code;
    if (!out.text.empty()) out.text += '\n';
    out.text += line.size() > 4 ? line.substr(4) : "";
    if (line.size() == 3 || line[3] == ' ') co_return out;
  }
}

template <class Stream>
asio::awaitable<void> write(Stream& s, std::string_view bytes, std::chrono::milliseconds timeout) {
  lowest(s).expires_after(timeout);
  try {
    co_await asio::async_write(s, asio::buffer(bytes.data(), bytes.size()), asio::use_awaitable);
  } catch (const boost::system::system_error& e) {
    temporary(fmt::format("writing: {}", e.code().message()));
  }
}

// 4xx: later; 5xx: never; anything else unexpected: later (a confused relay).
void expect(const reply& r, int wanted, std::string_view step) {
  if (r.code == wanted) return;
  const auto first_line = r.text.substr(0, r.text.find('\n'));
  const auto why = fmt::format("{}: {} {}", step, r.code, first_line);
  if (r.code >= 500 && r.code < 600) throw attempt_over{{delivery_status::permanent, why}};
  temporary(why);
}

template <class Stream>
asio::awaitable<reply> command(Stream& s, std::string& buffer, std::string_view line,
                               const delivery_request& req) {
  co_await write(s, line, req.timeout);
  co_return co_await read_reply(s, buffer, req.timeout);
}

bool advertises(const reply& ehlo, std::string_view keyword) {
  std::size_t start = 0;
  while (start <= ehlo.text.size()) {
    auto end = ehlo.text.find('\n', start);
    if (end == std::string::npos) end = ehlo.text.size();
    std::string word = ehlo.text.substr(start, end - start);
    word = word.substr(0, word.find(' '));
    for (auto& c : word) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (word == keyword) return true;
    start = end + 1;
  }
  return false;
}

std::string base64(std::string_view in) {
  static constexpr char alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned v = 0;
  int bits = 0;
  for (const unsigned char c : in) {
    v = v << 8 | c;
    bits += 8;
    while (bits >= 6) out += alphabet[(v >> (bits -= 6)) & 63];
  }
  if (bits > 0) out += alphabet[(v << (6 - bits)) & 63];
  while (out.size() % 4) out += '=';
  return out;
}

// After the greeting and EHLO, on whichever stream carries the session now.
template <class Stream>
asio::awaitable<void> transaction(Stream& s, std::string& buffer, const reply& ehlo,
                                  const smtp_url& server, const delivery_request& req) {
  // Each command is a named string: GCC 12 mishandles temporaries made in
  // a co_await's own expression.
  if (!server.username.empty()) {
    const std::string credentials = std::string(1, '\0') + server.username + '\0' + server.password;
    const std::string auth = "AUTH PLAIN " + base64(credentials) + "\r\n";
    expect(co_await command(s, buffer, auth, req), 235, "AUTH");
  }
  const bool eight_bit = advertises(ehlo, "8BITMIME");
  const std::string mail_from =
      fmt::format("MAIL FROM:<{}>{}\r\n", req.from, eight_bit ? " BODY=8BITMIME" : "");
  expect(co_await command(s, buffer, mail_from, req), 250, "MAIL FROM");
  const std::string rcpt_to = fmt::format("RCPT TO:<{}>\r\n", req.to);
  expect(co_await command(s, buffer, rcpt_to, req), 250, "RCPT TO");
  expect(co_await command(s, buffer, "DATA\r\n", req), 354, "DATA");
  expect(co_await command(s, buffer, req.data, req), 250, "the message");
  // Taken: whatever QUIT meets no longer matters.
  try {
    co_await command(s, buffer, "QUIT\r\n", req);
  } catch (const attempt_over&) {
  }
}

asio::awaitable<void> start_tls(tls_stream& s, const smtp_url& server,
                                const delivery_request& req) {
  if (!SSL_set_tlsext_host_name(s.native_handle(), server.host.c_str())) temporary("TLS: SNI");
  s.set_verify_mode(asio::ssl::verify_peer);
  s.set_verify_callback(asio::ssl::host_name_verification(server.host));
  s.next_layer().expires_after(req.timeout);
  try {
    co_await s.async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
  } catch (const boost::system::system_error& e) {
    temporary(fmt::format("TLS handshake: {}", e.code().message()));
  }
}

asio::awaitable<void> session(const smtp_url& server, asio::ssl::context& tls,
                              const delivery_request& req) {
  auto ex = co_await asio::this_coro::executor;
  beast::tcp_stream stream(ex);
  tcp::resolver resolver(ex);
  stream.expires_after(req.timeout);
  try {
    const auto found = co_await resolver.async_resolve(server.host, std::to_string(server.port),
                                                       asio::use_awaitable);
    co_await stream.async_connect(found, asio::use_awaitable);
  } catch (const boost::system::system_error& e) {
    temporary(fmt::format("connecting to {}:{}: {}", server.host, server.port,
                          e.code() == beast::error::timeout ? "timed out" : e.code().message()));
  }
  std::string buffer;
  const auto ehlo_line = fmt::format("EHLO {}\r\n", req.ehlo_name);
  if (server.security == smtp_security::tls) {
    tls_stream secure(std::move(stream), tls);
    co_await start_tls(secure, server, req);
    expect(co_await read_reply(secure, buffer, req.timeout), 220, "greeting");
    const auto ehlo = co_await command(secure, buffer, ehlo_line, req);
    expect(ehlo, 250, "EHLO");
    co_await transaction(secure, buffer, ehlo, server, req);
    co_return;
  }
  expect(co_await read_reply(stream, buffer, req.timeout), 220, "greeting");
  const auto ehlo = co_await command(stream, buffer, ehlo_line, req);
  expect(ehlo, 250, "EHLO");
  if (server.security == smtp_security::none) {
    co_await transaction(stream, buffer, ehlo, server, req);
    co_return;
  }
  if (!advertises(ehlo, "STARTTLS")) temporary("the server does not offer STARTTLS");
  expect(co_await command(stream, buffer, "STARTTLS\r\n", req), 220, "STARTTLS");
  // Bytes sent before the handshake would be read as if they came through
  // TLS (CVE-2011-0411, command injection): refused.
  if (!buffer.empty()) temporary("data after the STARTTLS reply");
  tls_stream secure(std::move(stream), tls);
  co_await start_tls(secure, server, req);
  const auto again = co_await command(secure, buffer, ehlo_line, req);
  expect(again, 250, "EHLO");
  co_await transaction(secure, buffer, again, server, req);
}

}  // namespace

asio::awaitable<delivery> deliver(const smtp_url& server, asio::ssl::context& tls,
                                  const delivery_request& request) {
  try {
    co_await session(server, tls, request);
  } catch (const attempt_over& over) {
    co_return over.result;
  } catch (const std::exception& e) {
    co_return delivery{delivery_status::temporary, e.what()};
  }
  co_return delivery{delivery_status::sent, {}};
}

}  // namespace mizan::mail
