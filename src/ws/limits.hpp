// The limits every socket is held to (docs/protocol.md, "WebSocket").
#pragma once

#include <chrono>
#include <cstddef>

namespace mizan::ws {

struct limits {
  std::size_t max_message_bytes = 64 * 1024;  ///< over it: close 1009
  std::size_t max_connections = 10000;        ///< over it: the handshake gets 503
  /// Client operations: a burst of `op_burst`, then `ops_per_second`
  /// sustained (a token bucket); beyond: close 1008.
  double ops_per_second = 50;
  double op_burst = 100;
  /// Silence before a ping; as long again without a word closes the socket.
  std::chrono::milliseconds ping_after{15000};
  std::chrono::milliseconds handshake_timeout{10000};
  /// Frames and bytes queued for a peer that has not read them; beyond,
  /// pushes become one `refetch`, and if that is not enough, close 4008.
  std::size_t max_queued_frames = 256;
  std::size_t max_queued_bytes = 1024 * 1024;
};

}  // namespace mizan::ws
