// One WebSocket's operations (PROTOCOL.md §5): calls through the same
// endpoint core and job runner as HTTP, `auth` for token clients, `ping`,
// and channel subscriptions.
#pragma once

#include "http/message.hpp"
#include "mizan/user.hpp"
#include "ws/socket.hpp"

#include <boost/json/object.hpp>

#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace mizan::server {

class realtime;

/// The handshake request, kept for the socket's life: the caller of every
/// call is built from it (cookies, Origin, address, headers).
using handshake_ptr = std::shared_ptr<const http::request>;

class socket_session final : public ws::session_handler {
 public:
  socket_session(realtime& rt, handshake_ptr handshake, std::optional<mizan::user> user);

  void on_open(const ws::socket_handle& self) override { self_ = self; }
  void on_text(std::string_view text) override;
  void on_closed() override {}

 private:
  void call(std::string id, std::string fn, boost::json::object args);
  void authenticate(std::string id, std::string token);
  void subscribe(std::string id, std::string channel, bool on);

  realtime& rt_;
  handshake_ptr handshake_;
  /// Its handshake named another schema (`?s=`): calls are refused, pushes
  /// and subscriptions go on (dispatch/schema_skew.hpp).
  bool stale_client_;
  ws::socket_handle self_;
  /// Who the socket is, and the access token an `auth` frame sent (verified)
  /// with its user id. Written by the worker that answers `auth`, read on
  /// the network thread: a lock of this socket's own.
  struct who {
    std::mutex lock;
    std::optional<mizan::user> user;
    std::string token;
    std::optional<std::int64_t> token_user;
  };
  std::shared_ptr<who> who_;
};

}  // namespace mizan::server
