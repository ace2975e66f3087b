// The HTTP side of an edge purge: the requests that purge a batch of tags on
// one kind of edge, and the keep-alive connection that sends them. Internal to
// the purger; kept apart so that the request shapes are tested without sockets.
#pragma once

#include "edge/purge_target.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace mizan::edge::detail {

/// Varnish: the longest `xkey-purge` value, so that the whole header line
/// stays under the 8,000 bytes a default Varnish accepts.
inline constexpr std::size_t max_xkey_header_bytes = 7'900;
/// Cloudflare purges at most 30 tags per call.
inline constexpr std::size_t max_cloudflare_tags = 30;
/// Fastly purges at most 256 surrogate keys per call.
inline constexpr std::size_t max_fastly_keys = 256;

/// One request, without the target and Host that the connection adds.
struct purge_request {
  std::string method;  ///< "PURGE" or "POST"
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

/// The requests that purge `tags` on an edge of `kind`, chunked to the
/// edge's limits; `token` authorizes Cloudflare and Fastly calls. A tag
/// longer than a whole Varnish header goes alone. Thread-safe.
std::vector<purge_request> purge_requests(purge_kind kind, std::string_view token,
                                          std::span<const std::string> tags);

/// Whether an edge acknowledged a purge: a 2xx status whose body is not a
/// JSON object with `"success": false` (Cloudflare reports errors so).
bool acknowledged(unsigned status, std::string_view body);

/// One keep-alive connection to one target, opened on demand and reopened
/// after any error. https verifies the peer against the system's roots and
/// the target's host name (SNI sent).
///
/// Not thread-safe: every call comes from the io_context's one thread.
class purge_connection {
 public:
  purge_connection(boost::asio::io_context& io, boost::asio::ssl::context& tls,
                   const purge_target& target);
  ~purge_connection();
  purge_connection(const purge_connection&) = delete;
  purge_connection& operator=(const purge_connection&) = delete;

  /// Sends `request` and reads the answer; resolving, connecting, the TLS
  /// handshake, writing and reading all fit in `timeout`. A reused
  /// connection the edge had closed is retried once on a fresh one.
  /// Returns "" when the edge acknowledged, else why not, for the log.
  boost::asio::awaitable<std::string> send(const purge_request& request,
                                           std::chrono::milliseconds timeout);

  /// Closes the connection (the next send() opens a new one).
  void close();

 private:
  struct state;
  std::unique_ptr<state> state_;
};

}  // namespace mizan::edge::detail
