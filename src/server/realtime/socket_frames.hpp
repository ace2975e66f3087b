// The frames of the WebSocket endpoint (PROTOCOL.md §5, docs/protocol.md):
// reading what a client sends, writing what the server sends. No socket.
#pragma once

#include "mizan/error.hpp"
#include "params/invalidation.hpp"

#include <boost/json/object.hpp>

#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace mizan::server {

/// One operation a client sent.
struct client_frame {
  enum class kind { call, sub, unsub, ping, auth };
  kind op = kind::ping;
  std::string fn;            ///< call: the function
  boost::json::object args;  ///< call: its arguments ({} when absent)
  std::string channel;       ///< sub, unsub
  std::string token;         ///< auth: an access JWT
};

/// Reads a client frame with the strict JSON reader. `id` receives the
/// frame's `id` as JSON text (a number, string or null; "null" when absent)
/// as soon as it is known, so that a refusal can name it. Throws
/// `mizan::error(errc::bad_request)` for anything but a JSON object with a
/// known `op` and the members that op needs, of the right types.
client_frame read_client_frame(std::string_view text, std::string& id);

/// `{"op":"result","id":<id>,"result":...,"invalidate":[...]}` from a call's
/// answer body `{"result":...,"invalidate":[...]}`.
std::string result_frame(std::string_view id, std::string_view answer_body);
/// `{"op":"error","id":<id>,"error":{...}}` from an error envelope body
/// `{"error":{...}}`, with the HTTP `status` the error would have had.
std::string error_frame(std::string_view id, std::string_view error_body, int status);
std::string error_frame(std::string_view id, const error& e);

/// `{"op":"invalidate","invalidate":[...]}` for `entries`.
std::shared_ptr<const std::string> invalidate_frame(
    std::span<const params::invalidation_entry> entries);

}  // namespace mizan::server
