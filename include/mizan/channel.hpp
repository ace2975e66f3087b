// Named channels: streams of typed messages that WebSocket clients subscribe
// to (PROTOCOL.md §5, `sub`/`unsub`/`msg`).
#pragma once

#include "mizan/call.hpp"
#include "mizan/detail/encode.hpp"

#include <string>
#include <string_view>

namespace mizan {

/// A channel whose messages are `Message`, a described struct (or any type
/// the encoder takes). Declare it once and refer to the variable everywhere:
///   inline constexpr mizan::channel<activity_event> activity{"activity"};
/// Register it with `registry::channel`; the name matches `[A-Za-z0-9_.-]+`.
template <class Message>
class channel {
 public:
  constexpr explicit channel(std::string_view name) : name_(name) {}
  constexpr std::string_view name() const { return name_; }

 private:
  std::string_view name_;
};

namespace detail {
/// Sends `json` to the subscribers of `channel` of the running server, from
/// any thread; nothing when no server runs or the channel is not registered.
void publish_json(std::string_view channel, std::string json);
}  // namespace detail

/// Publishes `message` on `ch` from outside a call (background work, timers):
/// every socket subscribed to it receives `{"op":"msg","channel":...,
/// "data":...}`. Thread-safe; a no-op while no server runs.
template <class Message>
void publish(const channel<Message>& ch, const Message& message) {
  std::string json;
  detail::encode_json(json, message);
  detail::publish_json(ch.name(), std::move(json));
}

template <class Message>
void call::publish(const channel<Message>& ch, const Message& message) {
  std::string json;
  detail::encode_json(json, message);
  publish_json(ch.name(), std::move(json));
}

}  // namespace mizan
