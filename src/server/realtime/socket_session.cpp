#include "server/realtime/socket_session.hpp"

#include "mizan/users.hpp"
#include "server/dispatch/caller.hpp"
#include "server/dispatch/schema_skew.hpp"
#include "server/endpoints/endpoints.hpp"
#include "server/identity/identity.hpp"
#include "server/realtime/realtime.hpp"
#include "server/realtime/socket_frames.hpp"

#include <boost/json/serialize.hpp>

#include <boost/json/value_from.hpp>
#include <charconv>

namespace mizan::server {
namespace {

/// The WebSocket's sink for the job runner: the answer becomes a `result`
/// or `error` frame naming the call's id.
struct socket_sink {
  ws::socket_handle socket;
  std::string id;
  std::string fn;
  bool sent = false;

  void send(http::response&& r) {
    sent = true;
    const auto body = r.body_view();
    socket.send(r.status == 200 ? result_frame(id, body) : error_frame(id, body, r.status));
  }
  bool valid() const { return !sent; }
  std::string describe() const { return "WebSocket call " + fn; }
};

}  // namespace

socket_session::socket_session(realtime& rt, handshake_ptr handshake,
                               std::optional<mizan::user> user)
    : rt_(rt),
      handshake_(std::move(handshake)),
      stale_client_(stale_schema(schema_of_handshake(handshake_->query()), rt.svc().schema_hash)),
      who_(std::make_shared<who>()) {
  who_->user = std::move(user);
}

void socket_session::on_text(std::string_view text) {
  std::string id;
  client_frame frame;
  try {
    frame = read_client_frame(text, id);
  } catch (const error& e) {
    self_.send(error_frame(id, e));
    return;
  }
  switch (frame.op) {
    case client_frame::kind::ping:
      self_.send(R"({"op":"pong"})");
      return;
    case client_frame::kind::call:
      return call(std::move(id), std::move(frame.fn), std::move(frame.args));
    case client_frame::kind::auth:
      return authenticate(std::move(id), std::move(frame.token));
    case client_frame::kind::sub:
      return subscribe(std::move(id), std::move(frame.channel), true);
    case client_frame::kind::unsub:
      return subscribe(std::move(id), std::move(frame.channel), false);
  }
}

void socket_session::call(std::string id, std::string fn, boost::json::object args) {
  if (stale_client_) {
    self_.send(error_frame(id, schema_mismatch()));
    return;
  }
  auto& svc = rt_.svc();
  const auto* f = svc.cat.function(fn);
  // Refusals that need no database stay off the lane.
  const bool batched = f && f->websocket && !f->unbatched && !f->affects_private_contexts;
  std::string token;
  std::optional<std::int64_t> token_user;
  {
    std::lock_guard guard(who_->lock);
    token = who_->token;
    token_user = who_->token_user;
  }
  rt_.runner().mutate(
      socket_sink{self_, std::move(id), std::move(fn)}, batched,
      [&svc, f, args = std::move(args), handshake = handshake_, token = std::move(token),
       token_user, serial = self_.serial()](mutation_effects& effects) {
        caller from = caller_of(*handshake);
        if (token_user) {
          from.bearer = token;
          from.bearer_user_id = token_user;
        }
        // Its result carries the entries: no push of them to this socket.
        effects.from_socket = serial;
        return socket_call_endpoint(svc, from, f, args, effects);
      });
}

void socket_session::authenticate(std::string id, std::string token) {
  // Verified once, here on the network thread (CPU only); the socket is the
  // token's user until the token expires.
  const auto result = rt_.svc().jwt.verify(token, "access");
  std::int64_t user_id = 0;
  const auto& sub = result.ok() ? result.claims().sub : std::string();
  const auto [end, ec] = std::from_chars(sub.data(), sub.data() + sub.size(), user_id);
  if (!result.ok() || ec != std::errc{} || end != sub.data() + sub.size()) {
    self_.send(error_frame(id, error(errc::unauthenticated, "Invalid or expired token.")));
    return;
  }
  const auto expires_at = result.claims().exp;
  rt_.runner().post([&svc = rt_.svc(), self = self_, id = std::move(id), user_id, expires_at,
                     token = std::move(token), who = who_]() mutable {
    try {
      const auto u = users::find(svc.database.connection(), user_id);
      if (!u) {
        self.send(error_frame(id, error(errc::unauthenticated, "Invalid or expired token.")));
        return;
      }
      {
        std::lock_guard guard(who->lock);
        who->user = *u;
        who->token = std::move(token);
        who->token_user = user_id;
      }
      // The socket is this user's from now on: their private pushes reach it.
      self.identify(u->id, {}, expires_at);
      std::string frame = R"({"op":"auth","id":)" + id + R"(,"user":)";
      frame += boost::json::serialize(boost::json::value_from(*u));
      frame += '}';
      self.send(std::move(frame));
    } catch (const std::exception&) {
      self.send(error_frame(id, error(errc::unavailable, "Try again.")));
    }
  });
}

void socket_session::subscribe(std::string id, std::string channel, bool on) {
  const auto* ch = rt_.svc().cat.channel(channel);
  if (!ch) {
    self_.send(error_frame(id, error(errc::not_found, "Unknown channel.")));
    return;
  }
  if (on && ch->auth != auth_level::none) {
    std::optional<mizan::user> user;
    {
      std::lock_guard guard(who_->lock);
      user = who_->user;
    }
    if (!user) {
      self_.send(error_frame(id, error(errc::unauthenticated, "Authentication required.")));
      return;
    }
    const bool staff = user->is_staff || user->is_superuser;
    if ((ch->auth == auth_level::staff && !staff) ||
        (ch->auth == auth_level::superuser && !user->is_superuser)) {
      self_.send(error_frame(id, error(errc::forbidden, "You may not listen to this channel.")));
      return;
    }
  }
  self_.listen(std::move(channel), on);
}

}  // namespace mizan::server
