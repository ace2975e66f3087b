// One WebSocket as the application sees it: what it is told of the socket's
// frames, and the handle it sends and closes with from any thread. Free of
// Asio and Beast; `ws_connection.cpp` is the one file that speaks RFC 6455.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace mizan::ws {

/// Close codes (RFC 6455 §7.4, and Mizan's own in the 4000 range).
enum class close_code : std::uint16_t {
  normal = 1000,
  going_away = 1001,       ///< the server is shutting down
  unsupported = 1003,      ///< a binary frame
  invalid_payload = 1007,  ///< invalid UTF-8 in a text frame
  policy = 1008,           ///< too many operations
  too_big = 1009,          ///< a message over the limit
  session_ended = 4001,    ///< signed out, or the session ended
  too_slow = 4008,         ///< the peer stopped reading
};

namespace detail {
class connection;
}

/// The handle of a live socket: cheap to copy, usable from any thread. Once
/// the socket has closed, every call is a no-op.
class socket_handle {
 public:
  socket_handle() = default;
  explicit socket_handle(std::weak_ptr<detail::connection> c) : c_(std::move(c)) {}

  /// Queues a text frame; frames go out in the order queued.
  void send(std::string text) const;
  /// Queues an invalidation frame `{"op":"invalidate","invalidate":[...]}`,
  /// shared with other sockets. Such frames that are still queued merge into
  /// one; when the peer stops reading they are replaced by `{"op":"refetch"}`.
  void push(std::shared_ptr<const std::string> frame) const;
  /// Closes with `code` after the frames already queued.
  void close(close_code code, std::string_view reason) const;
  /// Marks the socket as `user`'s (nothing: anonymous) and of the session
  /// with key `session` (empty: none), for the hub's audiences, until
  /// `expires_at` (unix seconds; 0: no end): then it hears nothing meant for
  /// that user and closes with 4001 (at the latest when next pinged).
  void identify(std::optional<std::int64_t> user, std::string session,
                std::int64_t expires_at = 0) const;
  /// Adds or removes a channel the socket listens to.
  void listen(std::string channel, bool on) const;
  /// A number no other socket of the process has, ever (0 once closed).
  std::uint64_t serial() const;

  bool operator==(const socket_handle& other) const noexcept {
    return !c_.owner_before(other.c_) && !other.c_.owner_before(c_);
  }

 private:
  std::weak_ptr<detail::connection> c_;
};

/// What the application does with one socket. Made for each accepted
/// handshake; every call comes on the socket's network thread, one at a time.
class session_handler {
 public:
  virtual ~session_handler() = default;
  /// The handshake is done; `self` is this socket.
  virtual void on_open(const socket_handle& self) = 0;
  /// A text frame (valid UTF-8, within the size and rate limits).
  virtual void on_text(std::string_view text) = 0;
  /// The socket has closed; nothing more is called.
  virtual void on_closed() = 0;
};

}  // namespace mizan::ws
