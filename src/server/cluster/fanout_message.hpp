// What one instance tells the others over Redis pub/sub: a committed
// mutation's effects, or that it may have failed to tell them something.
#pragma once

#include "server/app/services.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace mizan::server {

/// One message on the fan-out channel.
struct fanout_message {
  std::string from;  ///< the sending instance's id
  /// True: the sender lost a publish, so the receivers refetch everything
  /// (effects is then empty).
  bool missed = false;
  mutation_effects effects;  ///< from_socket is always 0 on arrival
};

/// The JSON text of `effects` from instance `from`:
/// `{"v":1,"from":"…","invalidate":"todos, todo?id=5","user":5,"users":[7],
///   "session":"<session tag>","sessions_of":5,"published":[["ch","<json>"]]}`,
/// members with nothing to say left out. The invalidation entries use the
/// X-Mizan-Invalidate form (PROTOCOL.md §3); a session is named by its
/// session_tag, never its key.
std::string encode_fanout(std::string_view from, const mutation_effects& effects);

/// `{"v":1,"from":"…","missed":true}`.
std::string encode_missed(std::string_view from);

/// Reads a message; nullopt for anything malformed (a wrong type, a bad
/// entry, another version). Unknown members are ignored, so that a newer
/// instance may add some during a rolling upgrade.
std::optional<fanout_message> decode_fanout(std::string_view text);

}  // namespace mizan::server
