#include "server/cluster/fanout.hpp"

#include "core/crypto.hpp"
#include "server/cluster/fanout_message.hpp"
#include "server/endpoints/responses.hpp"

#include <fmt/format.h>

namespace mizan::server {

fanout::fanout(services& svc)
    : svc_(svc),
      channel_(fmt::format("mizan:fanout:{}", svc.redis->settings().db)),
      instance_(crypto::random_token(12)) {
  svc_.broadcast = [this](const mutation_effects& effects) { publish(effects); };
  subscriber_ = std::make_unique<redis::subscriber>(
      svc_.redis->settings(), std::vector<std::string>{channel_},
      [this](std::string_view, std::string_view message) { receive(message); },
      [this] { reconnected(); });
}

fanout::~fanout() {
  subscriber_.reset();
  svc_.broadcast = nullptr;
}

void fanout::publish(const mutation_effects& effects) {
  if (effects.invalidate.empty() && effects.ended_session.empty() && !effects.ended_sessions_of &&
      effects.published.empty()) {
    return;  // nothing another instance could act on
  }
  if (owe_missed_.load() && send(encode_missed(instance_))) owe_missed_.store(false);
  send(encode_fanout(instance_, effects));
}

bool fanout::send(const std::string& text) {
  try {
    const redis::reply r = svc_.redis->command("PUBLISH", channel_, text);
    if (r.is_error()) throw redis::unavailable(r.str);
    return true;
  } catch (const std::exception& e) {
    // The mutation is committed: it is answered. The others refetch later.
    owe_missed_.store(true);
    log_failure("fan-out to the other instances", e.what());
    return false;
  }
}

void fanout::receive(std::string_view text) {
  auto message = decode_fanout(text);
  if (!message) {
    log_failure("fan-out", "a malformed message on " + channel_ + " was ignored");
    return;
  }
  if (message->from == instance_) return;  // ours: applied before it was sent
  try {
    if (message->missed) {
      svc_.missed();
    } else {
      svc_.apply_remote(message->effects);
    }
  } catch (const std::exception& e) {
    log_failure("fan-out", e.what());
  }
}

void fanout::reconnected() {
  try {
    svc_.cache->sync();
    svc_.missed();
    if (owe_missed_.load() && send(encode_missed(instance_))) owe_missed_.store(false);
  } catch (const std::exception& e) {
    log_failure("fan-out after reconnecting", e.what());
  }
}

}  // namespace mizan::server
