// A WebSocket call load generator for bench/fanout.sh: the socket's
// counterpart of wrk, so that calls over the socket and over HTTP are driven
// by equally cheap clients (one thread, like wrk -t1) and compared fairly.
//
// Usage: mizan_bench_ws_load URL_WS COOKIE SOCKETS IN_FLIGHT SECONDS FRAME
//   URL_WS  ws://host:port/path (subprotocol mizan.v1, COOKIE as Cookie)
//   FRAME   a call frame whose `{id}` is replaced by a numeric call id, e.g.
//           {"op":"call","id":{id},"fn":"toggle_todo","args":{"id":5}}
// Each socket keeps IN_FLIGHT calls outstanding for SECONDS, then lets them
// finish and closes. Prints, as bench/wrk/bench.lua does (plus the pushes it
// ignored):
//   BENCH requests=<results> duration_us=... p50_us=... p99_us=...
//         bad_status=<errors> socket_errors=... other_frames=...
#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using tcp = asio::ip::tcp;
using clock_type = std::chrono::steady_clock;
// The io_context's own executor instead of any_io_executor: no type-erased
// executor copied at every operation.
using executor = asio::io_context::executor_type;
constexpr asio::use_awaitable_t<executor> use_awaitable;
template <class T>
using awaitable = asio::awaitable<T, executor>;

struct options {
  std::string host, port, path, cookie;
  std::string head, tail;  // FRAME before and after `{id}`
  std::uint64_t sockets = 0, in_flight = 0, seconds = 0;
};

struct totals {
  std::uint64_t results = 0, errors = 0, socket_errors = 0, other_frames = 0;
  std::vector<std::uint32_t> latencies_us;  // every answer's, sorted at the end
};

std::uint64_t positive(const char* text, const char* what) {
  std::uint64_t n = 0;
  const std::string_view s(text);
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc{} || end != s.data() + s.size() || n == 0) {
    throw std::invalid_argument(std::string(what) + " must be a positive integer");
  }
  return n;
}

options parse(char** argv) {
  options o;
  std::string_view url(argv[1]);
  if (!url.starts_with("ws://")) throw std::invalid_argument("URL_WS must start with ws://");
  url.remove_prefix(5);
  const auto slash = std::min(url.find('/'), url.size());
  const auto authority = url.substr(0, slash);
  const auto colon = authority.rfind(':');
  o.host = authority.substr(0, colon);
  o.port = colon == std::string_view::npos ? "80" : authority.substr(colon + 1);
  o.path = slash < url.size() ? url.substr(slash) : "/";
  o.cookie = argv[2];
  o.sockets = positive(argv[3], "SOCKETS");
  o.in_flight = positive(argv[4], "IN_FLIGHT");
  o.seconds = positive(argv[5], "SECONDS");
  const std::string_view frame(argv[6]);
  const auto at = frame.find("{id}");
  if (at == std::string_view::npos) throw std::invalid_argument("FRAME needs an {id}");
  o.head = frame.substr(0, at);
  o.tail = frame.substr(at + 4);
  return o;
}

/// The call id after `{"op":"result","id":` or `{"op":"error","id":`.
std::uint64_t answer_id(std::string_view text, std::size_t prefix) {
  std::uint64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data() + prefix, text.data() + text.size(), id);
  if (ec != std::errc{}) throw std::runtime_error("an answer without a call id");
  return id;
}

awaitable<void> calls(const options& o, totals& t, clock_type::time_point deadline) {
  const auto ex = co_await asio::this_coro::executor;
  websocket::stream<asio::basic_stream_socket<tcp, executor>> ws(ex);
  asio::ip::basic_resolver<tcp, executor> resolver(ex);
  co_await asio::async_connect(ws.next_layer(),
                               co_await resolver.async_resolve(o.host, o.port, use_awaitable),
                               use_awaitable);
  // Small frames answered one by one: Nagle would hold them back (wrk and
  // Node's `ws` both turn it off too).
  ws.next_layer().set_option(tcp::no_delay(true));
  // Masking keys need not be unpredictable for a load generator.
  ws.secure_prng(false);
  ws.set_option(websocket::stream_base::decorator([&o](websocket::request_type& req) {
    req.set(beast::http::field::sec_websocket_protocol, "mizan.v1");
    if (!o.cookie.empty()) req.set(beast::http::field::cookie, o.cookie);
  }));
  co_await ws.async_handshake(o.host + ':' + o.port, o.path, use_awaitable);
  ws.text(true);

  // Slot k's calls have ids k, k + IN_FLIGHT, k + 2 IN_FLIGHT...: unique on
  // the socket, and id % IN_FLIGHT finds the slot's send time.
  std::vector<clock_type::time_point> sent(o.in_flight);
  std::string frame;
  const auto send = [&](std::uint64_t id) {
    frame = o.head + std::to_string(id) + o.tail;
    sent[id % o.in_flight] = clock_type::now();
    return ws.async_write(asio::buffer(frame), use_awaitable);
  };
  // One write at a time on a Beast stream: the first calls go one by one.
  for (std::uint64_t id = 0; id < o.in_flight; ++id) co_await send(id);

  beast::flat_buffer buffer;
  for (auto pending = o.in_flight; pending > 0;) {
    buffer.clear();
    co_await ws.async_read(buffer, use_awaitable);
    const std::string_view text(static_cast<const char*>(buffer.data().data()), buffer.size());
    constexpr std::string_view result = R"({"op":"result","id":)", error = R"({"op":"error","id":)";
    const bool ok = text.starts_with(result);
    if (!ok && !text.starts_with(error)) {
      ++t.other_frames;  // pushes: invalidate, msg, refetch
      continue;
    }
    const auto id = answer_id(text, ok ? result.size() : error.size());
    const auto now = clock_type::now();
    const auto us =
        std::chrono::duration_cast<std::chrono::microseconds>(now - sent[id % o.in_flight]);
    t.latencies_us.push_back(static_cast<std::uint32_t>(us.count()));
    ++(ok ? t.results : t.errors);
    // Each answer frees its slot for the next call, as wrk sends the next
    // request on a connection when the previous response has arrived.
    if (now < deadline) {
      co_await send(id + o.in_flight);
    } else {
      --pending;
    }
  }
  co_await ws.async_close(websocket::close_code::normal, use_awaitable);
}

awaitable<void> caller(const options& o, totals& t, clock_type::time_point deadline) {
  try {
    co_await calls(o, t, deadline);
  } catch (const std::exception& e) {
    // Counted, and the other sockets carry on (wrk's socket errors).
    if (t.socket_errors++ == 0) std::fprintf(stderr, "ws_load: %s\n", e.what());
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 7) {
    std::fprintf(stderr, "usage: %s URL_WS COOKIE SOCKETS IN_FLIGHT SECONDS FRAME\n", argv[0]);
    return 2;
  }
  options o;
  try {
    o = parse(argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ws_load: %s\n", e.what());
    return 2;
  }
  // One thread, as wrk -t1: the hint lets Asio skip its locks.
  asio::io_context ctx{1};
  totals t;
  // As wrk, the clock includes connecting and ends when the last answer is in.
  const auto start = clock_type::now();
  const auto deadline = start + std::chrono::seconds(o.seconds);
  for (std::uint64_t i = 0; i < o.sockets; ++i) {
    asio::co_spawn(ctx, caller(o, t, deadline), asio::detached);
  }
  ctx.run();
  const auto duration =
      std::chrono::duration_cast<std::chrono::microseconds>(clock_type::now() - start);

  auto& l = t.latencies_us;
  std::sort(l.begin(), l.end());
  const auto percentile = [&l](double p) -> std::uint32_t {
    return l.empty() ? 0 : l[std::min(l.size() - 1, static_cast<std::size_t>(p * l.size()))];
  };
  std::printf(
      "BENCH requests=%llu duration_us=%lld p50_us=%u p99_us=%u bad_status=%llu "
      "socket_errors=%llu other_frames=%llu\n",
      static_cast<unsigned long long>(t.results), static_cast<long long>(duration.count()),
      percentile(0.50), percentile(0.99), static_cast<unsigned long long>(t.errors),
      static_cast<unsigned long long>(t.socket_errors),
      static_cast<unsigned long long>(t.other_frames));
  return t.results > 0 ? 0 : 1;
}
