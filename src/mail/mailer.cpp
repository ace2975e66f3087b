#include "mail/mailer.hpp"

#include "mail/smtp_client.hpp"

#include <fmt/format.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <ctime>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>

#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace mizan::mail {

namespace asio = boost::asio;

namespace detail {
namespace {

constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);

struct queued {
  std::string from, to, data;
  std::chrono::steady_clock::time_point since;
};

}  // namespace

struct mailer_state {
  explicit mailer_state(mailer_options o) : options(std::move(o)) {}

  // Destroyed in reverse: the thread is joined before the timer and the
  // io_context go.
  mailer_options options;
  asio::io_context io{1};
  asio::ssl::context tls{asio::ssl::context::tls_client};
  asio::steady_timer wake{io};
  mutable std::mutex mutex;
  std::deque<queued> waiting;  // guarded
  std::atomic<std::uint64_t> sent{0}, failed{0}, given_up{0}, refused{0};
  std::thread thread;

  void log(std::string_view line) const {
    if (options.log) options.log(line);
  }

  std::optional<queued> head() {
    std::lock_guard lock(mutex);
    if (waiting.empty()) return std::nullopt;
    return waiting.front();
  }

  void pop() {
    std::lock_guard lock(mutex);
    waiting.pop_front();
  }
};

namespace {

asio::awaitable<void> run(mailer_state& m) {
  asio::steady_timer pause(m.io);
  auto backoff = m.options.first_backoff;
  std::uint64_t streak = 0;  // failed attempts since mail last went through
  for (;;) {
    auto next = m.head();
    if (!next) {
      m.wake.expires_at(asio::steady_timer::time_point::max());
      co_await m.wake.async_wait(nothrow);
      continue;
    }
    delivery_request request{next->from, next->to, next->data, m.options.ehlo_name,
                             m.options.timeout};
    const auto result = co_await deliver(*m.options.server, m.tls, request);
    if (result.status == delivery_status::sent) {
      ++m.sent;
      m.pop();
      if (streak) m.log(fmt::format("mail: sending again after {} failed attempts", streak));
      streak = 0;
      backoff = m.options.first_backoff;
      continue;
    }
    if (result.status == delivery_status::permanent) {
      ++m.given_up;
      m.pop();
      m.log(fmt::format("mail: to {} refused, given up: {}", next->to, result.detail));
      continue;
    }
    ++m.failed;
    if (++streak == 1) {
      m.log(fmt::format("mail: cannot send ({}); retrying", result.detail));
    }
    if (std::chrono::steady_clock::now() - next->since >= m.options.give_up_after) {
      ++m.given_up;
      m.pop();
      m.log(fmt::format("mail: to {} given up after retrying: {}", next->to, result.detail));
      continue;
    }
    pause.expires_after(backoff);
    co_await pause.async_wait(nothrow);
    backoff = std::min(backoff * 2, m.options.max_backoff);
  }
}

}  // namespace
}  // namespace detail

mailer::mailer(mailer_options options)
    : state_(std::make_unique<detail::mailer_state>(std::move(options))) {
  auto& m = *state_;
  if (!m.options.server) return;
  check_address(m.options.from);
  m.tls.set_verify_mode(asio::ssl::verify_peer);
  if (m.options.server->security != smtp_security::none) m.tls.set_default_verify_paths();
  asio::co_spawn(m.io, detail::run(m), [&m](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& what) {
      m.log(fmt::format("mail: stopped by an error: {}", what.what()));
    }
  });
  m.thread = std::thread([&m] {
    for (;;) {
      try {
        m.io.run();
        return;
      } catch (const std::exception& e) {
        m.log(fmt::format("mail: {}", e.what()));
      }
    }
  });
}

mailer::~mailer() {
  auto& m = *state_;
  // Stops mid-delivery: a frozen SMTP server cannot hold the shutdown.
  m.io.stop();
  if (m.thread.joinable()) m.thread.join();
  if (!m.waiting.empty()) {
    m.log(
        fmt::format("mail: stopping with {} messages unsent; they are given up", m.waiting.size()));
  }
}

bool mailer::send(message msg) {
  auto& m = *state_;
  if (msg.from.empty()) msg.from = m.options.from;
  const std::string formatted = format_message(msg, std::time(nullptr), new_message_id(msg.from));
  if (!m.options.server) {
    m.log(fmt::format("mail (no MIZAN_SMTP_URL: written here, not sent):\n{}", formatted));
    ++m.sent;
    return true;
  }
  {
    std::lock_guard lock(m.mutex);
    if (m.waiting.size() >= m.options.max_queue) {
      ++m.refused;
    } else {
      m.waiting.push_back(
          {std::move(msg.from), msg.to, dot_stuffed(formatted), std::chrono::steady_clock::now()});
      asio::post(m.io, [&m] { m.wake.cancel(); });
      return true;
    }
  }
  m.log(fmt::format("mail: {} messages waiting already; the one to {} is dropped",
                    m.options.max_queue, msg.to));
  return false;
}

mailer::stats mailer::statistics() const {
  const auto& m = *state_;
  std::lock_guard lock(m.mutex);
  return {m.sent.load(), m.failed.load(), m.given_up.load(), m.refused.load(), m.waiting.size()};
}

}  // namespace mizan::mail
