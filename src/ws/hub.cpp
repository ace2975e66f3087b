// The hub that reaches every socket, and the handles the application holds:
// both post to the socket's own network thread.
#include "ws/connection.hpp"

namespace mizan::ws {

// --- socket_handle --------------------------------------------------------

void socket_handle::send(std::string text) const {
  if (auto c = c_.lock()) {
    c->on_thread([t = std::make_shared<const std::string>(std::move(text))](
                     detail::connection& conn) mutable { conn.queue_text(std::move(t)); });
  }
}

void socket_handle::push(std::shared_ptr<const std::string> frame) const {
  if (auto c = c_.lock()) {
    c->on_thread([f = std::move(frame)](detail::connection& conn) mutable {
      conn.queue_push(std::move(f));
    });
  }
}

void socket_handle::close(close_code code, std::string_view reason) const {
  if (auto c = c_.lock()) {
    c->on_thread([code, r = std::string(reason)](detail::connection& conn) mutable {
      conn.request_close(code, std::move(r));
    });
  }
}

void socket_handle::identify(std::optional<std::int64_t> user, std::string session,
                             std::int64_t expires_at) const {
  if (auto c = c_.lock()) {
    c->on_thread([user, s = std::move(session), expires_at](detail::connection& conn) mutable {
      conn.identify(user, std::move(s), expires_at);
    });
  }
}

std::uint64_t socket_handle::serial() const {
  const auto c = c_.lock();
  return c ? c->serial() : 0;
}

void socket_handle::listen(std::string channel, bool on) const {
  if (auto c = c_.lock()) {
    c->on_thread([ch = std::move(channel), on](detail::connection& conn) mutable {
      conn.listen(std::move(ch), on);
    });
  }
}

// --- hub --------------------------------------------------------------------

hub::hub(limits l, std::function<void(std::string_view)> log)
    : impl_(std::make_unique<impl>(l, std::move(log))) {}

hub::~hub() = default;

const limits& hub::config() const noexcept {
  return impl_->config;
}

bool hub::has_room() const noexcept {
  return !impl_->stopping.load() &&
         impl_->open.load(std::memory_order_relaxed) < impl_->config.max_connections;
}

std::size_t hub::size() const noexcept {
  return impl_->open.load(std::memory_order_relaxed);
}

void hub::accept(http::request&& req, http::upgraded connection,
                 std::unique_ptr<session_handler> handler, std::optional<std::int64_t> user,
                 std::string session, std::int64_t expires_at) {
  auto executor = connection->socket.get_executor();
  asio::post(executor, [impl = impl_.get(), req = std::move(req), conn = std::move(connection),
                        handler = std::move(handler), user, session = std::move(session),
                        expires_at]() mutable {
    auto& room = impl->room_here(conn->socket.get_executor());
    auto c = std::make_shared<detail::connection>(*impl, room, std::move(conn->socket),
                                                  std::move(handler));
    c->identify(user, std::move(session), expires_at);
    c->start(std::move(req));
  });
}

void hub::send(const audience& to, std::shared_ptr<const std::string> frame, bool push) {
  impl_->each_room([&](detail::room& r) {
    asio::post(r.executor, [&r, to, frame, push] {
      r.each(to, [&](detail::connection& c) {
        if (push) {
          c.queue_push(frame);
        } else {
          c.queue_text(frame);
        }
      });
    });
  });
}

void hub::close(const audience& to, close_code code, std::string reason) {
  impl_->each_room([&](detail::room& r) {
    asio::post(r.executor, [&r, to, code, reason] {
      r.each(to, [&](detail::connection& c) { c.request_close(code, reason); });
    });
  });
}

void hub::shut_down() {
  impl_->stopping.store(true);
  close(audience::everyone(), close_code::going_away, "Server shutting down.");
}

}  // namespace mizan::ws
