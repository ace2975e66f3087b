// Answering from any thread: the response is handed to the connection's own
// network thread, directly when already on it, else by posting to it.
#include <boost/asio/post.hpp>

#include "http/serialize.hpp"
#include "http/worker.hpp"

namespace mizan::http {

namespace detail {

thread_local worker* current_worker = nullptr;

std::string worker::http_date_of(std::time_t t) {
  return http_date(t);
}

void worker::log(std::string_view line) {
  bool wake = sink.write([&](std::string& out) {
    out += "mizan.http: ";
    out += line;
    out += '\n';
  });
  if (wake && flusher) flusher->wake();
}

namespace {

void deliver(std::shared_ptr<exchange> ex) {
  if (current_worker == ex->owner_raw) {
    if (ex->conn) on_reply(*ex->conn);
    return;
  }
  // The worker may already be gone (server destroyed): then nobody waits.
  auto owner = ex->owner.lock();
  if (!owner) return;
  asio::post(owner->ctx, [ex = std::move(ex)] {
    if (ex->conn) on_reply(*ex->conn);
  });
}

}  // namespace

}  // namespace detail

responder& responder::operator=(responder&& other) noexcept {
  if (this != &other) {
    if (ex_) {
      try {
        send(detail::internal_error_response());
      } catch (...) {
      }
    }
    ex_ = std::move(other.ex_);
  }
  return *this;
}

responder::~responder() {
  if (!ex_) return;
  try {
    send(detail::internal_error_response());
  } catch (...) {
  }
}

void responder::send(response&& res) {
  auto ex = std::move(ex_);
  if (!ex) return;
  ex->res = std::move(res);
  detail::deliver(std::move(ex));
}

}  // namespace mizan::http
