#include "server/realtime/realtime.hpp"

#include "server/dispatch/caller.hpp"
#include "server/identity/csrf.hpp"
#include "server/identity/identity.hpp"
#include "server/realtime/socket_frames.hpp"
#include "server/realtime/socket_session.hpp"

#include "mizan/detail/encode.hpp"

#include <algorithm>
#include <atomic>

namespace mizan::server {
namespace {

http::response refusal(const error& e) {
  return error_response(e);
}

/// Whether a `Sec-WebSocket-Protocol` list names `mizan.v1`.
bool offers_mizan_v1(const http::request& req) {
  for (const auto& h : req.headers) {
    if (!http::iequals(h.name, "Sec-WebSocket-Protocol")) continue;
    std::string_view list = h.value;
    while (!list.empty()) {
      const auto comma = list.find(',');
      auto item = list.substr(0, comma);
      list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
      while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
      while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
      if (item == "mizan.v1") return true;
    }
  }
  return false;
}

}  // namespace

namespace {
// The running server's sockets, for mizan::publish from outside a call.
std::atomic<realtime*> running{nullptr};
}  // namespace

realtime::realtime(services& svc, job_runner& runner, ws::limits limits)
    : svc_(svc), runner_(runner), hub_(limits), path_(svc.cfg.api_prefix + "/ws") {
  svc_.listeners.push_back([this](const mutation_effects& effects) { on_committed(effects); });
  // Invalidations may have been missed: every socket refetches what it shows.
  svc_.missed_listeners.push_back([this] {
    static const auto refetch = std::make_shared<const std::string>(R"({"op":"refetch"})");
    hub_.send(ws::audience::everyone(), refetch);
  });
  realtime* none = nullptr;
  running.compare_exchange_strong(none, this);
}

realtime::~realtime() {
  realtime* self = this;
  running.compare_exchange_strong(self, nullptr);
}

void realtime::publish(std::string_view channel, std::string_view json) {
  if (!svc_.cat.channel(channel)) {
    log_failure("publish", "no channel named '" + std::string(channel) + "' is registered");
    return;
  }
  std::string frame = R"({"op":"msg","channel":)";
  mizan::detail::append_json_string(frame, channel);
  frame += R"(,"data":)";
  frame += json;
  frame += '}';
  hub_.send(ws::audience::on_channel(std::string(channel)),
            std::make_shared<const std::string>(std::move(frame)));
}

}  // namespace mizan::server

namespace mizan::detail {

void publish_json(std::string_view channel, std::string json) {
  auto* rt = server::running.load();
  if (!rt) return;
  rt->publish(channel, json);
  // Outside a mutation too, the other instances' subscribers hear it.
  if (const auto& broadcast = rt->svc().broadcast) {
    server::mutation_effects effects;
    effects.published.emplace_back(channel, std::move(json));
    broadcast(effects);
  }
}

}  // namespace mizan::detail

namespace mizan::server {

http::upgrade_verdict realtime::check_upgrade(const http::request& req) const {
  std::string_view path = req.path();
  if (path.ends_with('/')) path.remove_suffix(1);
  if (path != path_) return {};
  if (!offers_mizan_v1(req)) {
    return {false, refusal(error(errc::bad_request, "Use the subprotocol mizan.v1."))};
  }
  caller from = caller_of(req);
  if (from.origin && !origin_allowed(*from.origin, svc_.allowed_origins)) {
    return {false, refusal(error(errc::forbidden, "Origin not allowed."))};
  }
  if (!verify_bearer(svc_.jwt, from)) {
    return {false, refusal(error(errc::unauthenticated, "Invalid or expired token."))};
  }
  if (!hub_.has_room()) {
    return {false, refusal(error(errc::unavailable, "Too many WebSocket connections.")
                               .with_header("Retry-After", "1"))};
  }
  return {true, std::nullopt};
}

namespace {

/// The WebSocket's own handshake headers: nothing a function reads.
bool websocket_framing(std::string_view name) {
  for (std::string_view own :
       {"sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions",
        "sec-websocket-protocol", "upgrade", "connection"}) {
    if (http::iequals(name, own)) return true;
  }
  return false;
}

/// What a socket keeps of its handshake for its calls' caller, sized to fit:
/// it lives as long as the socket, idle ones included.
http::request kept_of(const http::request& req) {
  http::request kept;
  kept.method = req.method;
  kept.target = req.target;
  kept.version = req.version;
  kept.remote_address = req.remote_address;
  std::size_t n = 0;
  for (const auto& h : req.headers) n += !websocket_framing(h.name);
  kept.headers.reserve(n);
  for (const auto& h : req.headers) {
    if (!websocket_framing(h.name)) kept.headers.push_back(h);
  }
  return kept;
}

}  // namespace

void realtime::upgrade(http::request&& req, http::upgraded connection) {
  auto handshake = std::make_shared<http::request>(std::move(req));
  runner_.post([this, handshake, conn = std::move(connection)]() mutable {
    // Who calls, as at a context request: the session cookie or the bearer
    // token. A session that is gone is simply nobody.
    std::optional<mizan::user> user;
    std::string session;
    std::int64_t expires_at = 0;
    try {
      const caller from = caller_of(*handshake);
      svc_.database.connection().read_transaction([&] {
        auto who = resolve_identity(svc_.identity_view, from);
        user = std::move(who.user);
        session = session_tag(who.session_id);
        if (who.session) expires_at = who.session->expires_at;
      });
    } catch (const std::exception&) {
      user.reset();
      session.clear();
    }
    const auto user_id = user ? std::optional<std::int64_t>(user->id) : std::nullopt;
    auto kept = std::make_shared<const http::request>(kept_of(*handshake));
    hub_.accept(std::move(*handshake), std::move(conn),
                std::make_unique<socket_session>(*this, std::move(kept), std::move(user)), user_id,
                std::move(session), expires_at);
  });
}

void realtime::on_committed(const mutation_effects& effects) {
  std::vector<params::invalidation_entry> shared, personal;
  for (const auto& e : effects.invalidate) {
    const auto* ctx = svc_.cat.context(e.context);
    (ctx && !ctx->is_private ? shared : personal).push_back(e);
  }
  auto everyone = ws::audience::everyone();
  everyone.but = effects.from_socket;
  if (!shared.empty()) hub_.send(everyone, invalidate_frame(shared), true);
  if (!personal.empty()) {
    std::vector<std::int64_t> users = effects.other_users;
    if (effects.user_id) users.push_back(*effects.user_id);
    std::sort(users.begin(), users.end());
    users.erase(std::unique(users.begin(), users.end()), users.end());
    if (!users.empty()) {
      const auto frame = invalidate_frame(personal);
      for (const auto id : users) {
        auto owner = ws::audience::of_user(id);
        owner.but = effects.from_socket;
        hub_.send(owner, frame, true);
      }
    }
  }
  for (const auto& [channel, json] : effects.published) publish(channel, json);
  if (!effects.ended_session.empty()) {
    hub_.close(ws::audience::of_session(effects.ended_session), ws::close_code::session_ended,
               "The session ended.");
  }
  if (effects.ended_sessions_of) {
    hub_.close(ws::audience::of_user(*effects.ended_sessions_of), ws::close_code::session_ended,
               "The sessions of this user ended.");
  }
}

}  // namespace mizan::server
