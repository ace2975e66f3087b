// GCC 12 at -O2 reports a false maybe-uninitialized inside Beast 1.81's
// parser (see src/http/CMakeLists.txt); the code is Boost's, and this is the
// one translation unit of the module that instantiates it.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "edge/purge_request.hpp"

#include <fmt/format.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <optional>

namespace mizan::edge::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace ssl = boost::asio::ssl;
using boost::system::error_code;
using clock = std::chrono::steady_clock;
using tcp = asio::ip::tcp;

namespace {

constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);
// An acknowledgement is a few hundred bytes; anything far larger is not one.
constexpr std::size_t max_response_body = 1 << 20;
constexpr std::uint32_t max_response_header = 64 << 10;

std::string joined(std::span<const std::string> tags) {
  std::string out;
  for (const auto& tag : tags) {
    if (!out.empty()) out += ' ';
    out += tag;
  }
  return out;
}

std::vector<purge_request> varnish(std::span<const std::string> tags) {
  std::vector<purge_request> out;
  std::string keys;
  auto flush = [&] {
    if (keys.empty()) return;
    out.push_back({"PURGE", {{"xkey-purge", std::move(keys)}}, {}});
    keys.clear();
  };
  for (const auto& tag : tags) {
    if (!keys.empty() && keys.size() + 1 + tag.size() > max_xkey_header_bytes) flush();
    if (!keys.empty()) keys += ' ';
    keys += tag;
  }
  flush();
  return out;
}

std::vector<purge_request> cloudflare(std::string_view token, std::span<const std::string> tags) {
  std::vector<purge_request> out;
  for (std::size_t i = 0; i < tags.size(); i += max_cloudflare_tags) {
    boost::json::array list;
    for (const auto& tag : tags.subspan(i, std::min(max_cloudflare_tags, tags.size() - i))) {
      list.emplace_back(tag);
    }
    out.push_back(
        {"POST",
         {{"Authorization", fmt::format("Bearer {}", token)}, {"Content-Type", "application/json"}},
         boost::json::serialize(boost::json::object{{"tags", std::move(list)}})});
  }
  return out;
}

std::vector<purge_request> fastly(std::string_view token, std::span<const std::string> tags) {
  std::vector<purge_request> out;
  for (std::size_t i = 0; i < tags.size(); i += max_fastly_keys) {
    const auto keys = tags.subspan(i, std::min(max_fastly_keys, tags.size() - i));
    out.push_back(
        {"POST", {{"Fastly-Key", std::string(token)}, {"Surrogate-Key", joined(keys)}}, {}});
  }
  return out;
}

bool is_ip_literal(const std::string& host) {
  error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

std::string host_header(const purge_target& t) {
  const bool default_port = t.port == (t.tls ? "443" : "80");
  const bool v6 = t.host.find(':') != std::string::npos;
  return fmt::format("{}{}{}{}{}", v6 ? "[" : "", t.host, v6 ? "]" : "", default_port ? "" : ":",
                     default_port ? "" : t.port);
}

// An edge's error body, cut short and on one line, for the log.
std::string one_line(std::string_view body) {
  std::string out(body.substr(0, 200));
  for (auto& c : out) {
    if (c < ' ' || c == 0x7f) c = ' ';
  }
  return out;
}

struct exchange_result {
  error_code ec;
  unsigned status = 0;
  std::string body;
  bool keep_alive = false;
};

// Fills `out` rather than returning it: GCC 12 miscompiles a coroutine
// returning a struct with a string member (a freed stale SSO pointer).
template <class Stream>
asio::awaitable<void> exchange(Stream& stream, beast::flat_buffer& buffer,
                               const http::request<http::string_body>& req, exchange_result& out) {
  auto [write_ec, written] = co_await http::async_write(stream, req, nothrow);
  if (write_ec) {
    out.ec = write_ec;
    co_return;
  }
  http::response_parser<http::string_body> parser;
  parser.body_limit(max_response_body);
  parser.header_limit(max_response_header);
  auto [read_ec, read] = co_await http::async_read(stream, buffer, parser, nothrow);
  out.ec = read_ec;
  if (!read_ec) {
    out.status = parser.get().result_int();
    out.keep_alive = parser.get().keep_alive();
    out.body = std::move(parser.get().body());
  }
}

}  // namespace

std::vector<purge_request> purge_requests(purge_kind kind, std::string_view token,
                                          std::span<const std::string> tags) {
  switch (kind) {
    case purge_kind::varnish:
      return varnish(tags);
    case purge_kind::cloudflare:
      return cloudflare(token, tags);
    case purge_kind::fastly:
      return fastly(token, tags);
  }
  return {};
}

bool acknowledged(unsigned status, std::string_view body) {
  if (status < 200 || status > 299) return false;
  if (body.find('{') == std::string_view::npos) return true;
  error_code ec;
  const auto value = boost::json::parse(body, ec);
  if (ec || !value.is_object()) return true;
  const auto* success = value.get_object().if_contains("success");
  return !(success && success->is_bool() && !success->get_bool());
}

struct purge_connection::state {
  asio::io_context& io;
  ssl::context& tls;
  purge_target target;
  std::string host = host_header(target);
  tcp::resolver resolver{io};
  asio::steady_timer resolve_deadline{io};
  std::optional<beast::tcp_stream> plain;
  std::optional<ssl::stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;

  bool open() const { return plain || secure; }

  // The resolver has no deadline of its own: a timer cancels it.
  asio::awaitable<std::string> connect(clock::time_point deadline) {
    resolve_deadline.expires_at(deadline);
    resolve_deadline.async_wait([this](error_code ec) {
      if (!ec) resolver.cancel();
    });
    auto [resolve_ec, endpoints] =
        co_await resolver.async_resolve(target.host, target.port, nothrow);
    resolve_deadline.cancel();
    if (resolve_ec) co_return fmt::format("resolving {}: {}", target.host, resolve_ec.message());
    beast::tcp_stream* stream = nullptr;
    if (target.tls) {
      secure.emplace(io, tls);
      // SNI names hosts only (RFC 6066 §3); an IP literal is still verified.
      if (!is_ip_literal(target.host)) {
        SSL_set_tlsext_host_name(secure->native_handle(), target.host.c_str());
      }
      secure->set_verify_callback(ssl::host_name_verification(target.host));
      stream = &secure->next_layer();
    } else {
      stream = &plain.emplace(io);
    }
    stream->expires_at(deadline);
    auto [connect_ec, endpoint] = co_await stream->async_connect(endpoints, nothrow);
    if (connect_ec) {
      close();
      co_return fmt::format("connecting: {}", connect_ec.message());
    }
    if (secure) {
      auto [handshake_ec] = co_await secure->async_handshake(ssl::stream_base::client, nothrow);
      if (handshake_ec) {
        close();
        co_return fmt::format("TLS handshake: {}", handshake_ec.message());
      }
    }
    co_return std::string{};
  }

  void close() {
    plain.reset();
    secure.reset();
    buffer.consume(buffer.size());
  }
};

purge_connection::purge_connection(asio::io_context& io, ssl::context& tls,
                                   const purge_target& target)
    : state_(new state{io, tls, target}) {}

purge_connection::~purge_connection() = default;

void purge_connection::close() {
  state_->close();
}

asio::awaitable<std::string> purge_connection::send(const purge_request& request,
                                                    std::chrono::milliseconds timeout) {
  auto& s = *state_;
  const auto deadline = clock::now() + timeout;
  http::request<http::string_body> req;
  req.version(11);
  req.method_string(request.method);
  req.target(s.target.target);
  req.set(http::field::host, s.host);
  req.set(http::field::user_agent, "mizan-edge-purge");
  for (const auto& [name, value] : request.headers) req.set(name, value);
  req.body() = request.body;
  req.prepare_payload();
  for (;;) {
    const bool reused = s.open();
    if (!reused) {
      if (auto error = co_await s.connect(deadline); !error.empty()) co_return error;
    }
    beast::tcp_stream& lowest = s.secure ? s.secure->next_layer() : *s.plain;
    lowest.expires_at(deadline);
    exchange_result result;
    if (s.secure) {
      co_await exchange(*s.secure, s.buffer, req, result);
    } else {
      co_await exchange(*s.plain, s.buffer, req, result);
    }
    if (result.ec) {
      s.close();
      // An idle keep-alive connection the edge closed fails at once: one
      // more try on a fresh connection, if time is left.
      if (reused && clock::now() < deadline) continue;
      co_return fmt::format("exchanging: {}", result.ec.message());
    }
    lowest.expires_never();
    if (!result.keep_alive) s.close();
    if (acknowledged(result.status, result.body)) co_return std::string{};
    co_return fmt::format("HTTP {}: {}", result.status, one_line(result.body));
  }
}

}  // namespace mizan::edge::detail
