// A connection taken over by the application after a request to switch
// protocols (see handler::upgrade). Includes Asio: only the module that
// speaks the new protocol includes this.
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include "http/server.hpp"

namespace mizan::http::detail {

struct upgraded_connection {
  /// Positioned just after the request; nothing of the peer's has been read
  /// beyond it. Its executor is the connection's network thread.
  boost::asio::ip::tcp::socket socket;
};

}  // namespace mizan::http::detail
