// The WebSocket endpoint `{prefix}/ws/` (PROTOCOL.md §5): the handshake's
// rules, one socket_session per socket, and the push of every committed
// mutation to the sockets allowed to see it. A transport like the HTTP
// session: calls go through the same endpoints and job runner.
#pragma once

#include "http/server.hpp"
#include "server/app/job_runner.hpp"
#include "server/app/services.hpp"
#include "ws/hub.hpp"

namespace mizan::server {

class realtime {
 public:
  /// Registers itself as an invalidation listener of `svc`, so construct it
  /// before serving. Must outlive the HTTP server.
  realtime(services& svc, job_runner& runner, ws::limits limits = {});
  ~realtime();
  realtime(const realtime&) = delete;
  realtime& operator=(const realtime&) = delete;

  /// The handshake's rules: not ours (another path), a refusal (subprotocol,
  /// Origin, bearer token, connection cap), or accepted. Network thread.
  http::upgrade_verdict check_upgrade(const http::request& req) const;
  /// Takes an accepted socket: learns who calls (on the worker pool, as it
  /// may read the database), then answers the handshake. Network thread.
  void upgrade(http::request&& req, http::upgraded connection);
  /// Closes every socket with 1001 and refuses new ones.
  void shut_down() { hub_.shut_down(); }

  /// Pushes what a committed mutation made stale, and closes the sockets of
  /// sessions it ended. An invalidation listener: any thread.
  void on_committed(const mutation_effects& effects);

  /// Sends a message (JSON text) to the subscribers of `channel`. Any thread.
  void publish(std::string_view channel, std::string_view json);

  ws::hub& hub() noexcept { return hub_; }
  services& svc() noexcept { return svc_; }
  job_runner& runner() noexcept { return runner_; }

 private:
  services& svc_;
  job_runner& runner_;
  ws::hub hub_;
  std::string path_;  ///< {prefix}/ws
};

}  // namespace mizan::server
