// Every WebSocket of the process, grouped by network thread: a frame meant
// for many sockets is serialised once and handed to each network thread,
// which queues it on its own sockets in parallel with the others.
#pragma once

#include "http/message.hpp"
#include "http/server.hpp"
#include "ws/limits.hpp"
#include "ws/socket.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace mizan::ws {

/// Who a frame is for.
struct audience {
  enum class kind { everyone, user, session, channel };
  kind by = kind::everyone;
  std::int64_t user = 0;
  std::string key;        ///< the session key or the channel name
  std::uint64_t but = 0;  ///< a socket left out (its serial); 0: none

  static audience everyone() { return {}; }
  static audience of_user(std::int64_t id) { return {kind::user, id, {}}; }
  static audience of_session(std::string key) { return {kind::session, 0, std::move(key)}; }
  static audience on_channel(std::string name) { return {kind::channel, 0, std::move(name)}; }
};

class hub {
 public:
  /// `log` receives one line per closed-for-a-reason socket (default: stderr).
  explicit hub(limits l = {}, std::function<void(std::string_view)> log = {});
  ~hub();
  hub(const hub&) = delete;
  hub& operator=(const hub&) = delete;

  const limits& config() const noexcept;

  /// False once the connection cap is reached or shut_down has begun.
  bool has_room() const noexcept;
  /// Sockets open now.
  std::size_t size() const noexcept;

  /// Answers the handshake of `req` (subprotocol `mizan.v1`) on `connection`
  /// and runs the socket with `handler`, on the connection's network thread,
  /// marked as `user`'s and of session `session` until `expires_at` (see
  /// socket_handle::identify).
  /// Thread-safe: `connection` may be carried to another thread and back.
  void accept(http::request&& req, http::upgraded connection,
              std::unique_ptr<session_handler> handler, std::optional<std::int64_t> user = {},
              std::string session = {}, std::int64_t expires_at = 0);

  /// Queues `frame` on every socket of `to`; `push` marks an invalidation
  /// frame (see socket_handle::push). Returns at once. Thread-safe.
  void send(const audience& to, std::shared_ptr<const std::string> frame, bool push = false);
  /// Closes every socket of `to` with `code`. Thread-safe.
  void close(const audience& to, close_code code, std::string reason);
  /// Refuses new sockets and closes every open one with 1001. Thread-safe.
  void shut_down();

  struct impl;

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace mizan::ws
