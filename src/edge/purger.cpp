#include "edge/purger.hpp"

#include "edge/purge_request.hpp"

#include <fmt/format.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <span>
#include <stdexcept>
#include <thread>
#include <unordered_set>
#include <utility>

namespace mizan::edge {

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace detail {
namespace {

constexpr std::size_t max_owed_tags = 100'000;
constexpr std::chrono::milliseconds first_backoff = 100ms;
constexpr std::chrono::milliseconds max_backoff = 5s;
constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);

// A tag goes into a header (Varnish, Fastly) as a space-separated word.
bool valid_tag(std::string_view tag) {
  return !tag.empty() &&
         std::all_of(tag.begin(), tag.end(), [](char c) { return c > ' ' && c < 0x7f; });
}

}  // namespace

struct target_state {
  target_state(asio::io_context& io, asio::ssl::context& tls, purge_target t)
      : target(std::move(t)), connection(io, tls, target), wake(io), pause(io) {}

  purge_target target;
  std::string name = fmt::format("{} {}", to_string(target.kind), target.url);

  // Guarded by purger_state::mutex.
  std::unordered_set<std::string> owed;
  std::size_t in_flight = 0;
  std::uint64_t queued = 0;  // the newest purge() whose tags this target owes
  std::uint64_t acked = 0;   // the newest purge() this target acknowledged
  bool failing = false;      // the last request failed, or tags were dropped
  bool late = false;         // a waiter gave up on it; nobody waits until it answers
  std::uint64_t dropped = 0;

  // The io thread's only.
  purge_connection connection;
  asio::steady_timer wake;   // waits for tags; purge() cancels it
  asio::steady_timer pause;  // the backoff after a failure
  std::chrono::steady_clock::time_point last_attempt;
  std::uint64_t streak = 0;  // failed requests since the last success
};

struct batch {
  std::vector<std::string> tags;
  std::uint64_t seq = 0;
};

struct purger_state {
  explicit purger_state(purger_options o) : options(std::move(o)) {}

  // Destroyed in reverse: the thread is joined and the targets' sockets and
  // timers are gone before the io_context they use.
  purger_options options;
  asio::io_context io{1};
  asio::ssl::context tls{asio::ssl::context::tls_client};
  mutable std::mutex mutex;
  std::condition_variable changed;
  std::uint64_t last_purge = 0;  // guarded
  std::atomic<std::uint64_t> requests{0}, failures{0};
  std::vector<std::unique_ptr<target_state>> targets;
  std::thread thread;

  void log(std::string_view line) const {
    if (options.log) options.log(line);
  }

  // Under the lock. Owes `tags` to `t`; past the bound, drops the backlog and
  // returns a line for the log (the first time only).
  std::optional<std::string> owe(target_state& t, std::span<const std::string> tags) {
    for (const auto& tag : tags) t.owed.insert(tag);
    if (t.owed.size() <= max_owed_tags) return std::nullopt;
    const bool first = t.dropped == 0;
    t.dropped += t.owed.size() - 1;
    t.owed.clear();
    t.owed.insert(tags.back());  // the probe whose success reports the recovery
    t.failing = true;
    if (!first) return std::nullopt;
    return fmt::format("edge purge: {}: over {} tags owed, dropped them; purge it all on recovery",
                       t.name, max_owed_tags);
  }

  std::optional<batch> take(target_state& t) {
    std::lock_guard lock(mutex);
    if (t.owed.empty()) return std::nullopt;
    batch out{{}, t.queued};
    out.tags.reserve(t.owed.size());
    while (!t.owed.empty()) out.tags.push_back(std::move(t.owed.extract(t.owed.begin()).value()));
    std::sort(out.tags.begin(), out.tags.end());
    t.in_flight = out.tags.size();
    return out;
  }

  void acknowledge(target_state& t, std::uint64_t seq) {
    bool recovering = false;
    std::uint64_t dropped = 0;
    {
      std::lock_guard lock(mutex);
      t.acked = std::max(t.acked, seq);
      t.in_flight = 0;
      recovering = std::exchange(t.failing, false);
      t.late = false;
      dropped = std::exchange(t.dropped, 0);
    }
    changed.notify_all();
    const auto streak = std::exchange(t.streak, 0);
    if (!recovering) return;
    log(fmt::format("edge purge: {}: acknowledges again after {} failed requests{}", t.name, streak,
                    dropped ? fmt::format(", {} tags dropped meanwhile", dropped) : ""));
    if (!options.recovered) return;
    try {
      options.recovered();
    } catch (const std::exception& e) {
      log(fmt::format("edge purge: the recovered callback threw: {}", e.what()));
    }
  }

  void fail(target_state& t, const std::vector<std::string>& tags, std::string_view why) {
    ++failures;
    std::optional<std::string> overflow;
    std::size_t owed = 0;
    {
      std::lock_guard lock(mutex);
      t.in_flight = 0;
      overflow = owe(t, tags);
      t.failing = true;
      owed = t.owed.size();
    }
    // Logged before the waiters wake, so that a caller told false can
    // already read why.
    if (++t.streak == 1) {
      log(fmt::format("edge purge: {}: failing ({}); {} tags owed, retrying", t.name, why, owed));
    }
    if (overflow) log(*overflow);
    changed.notify_all();
  }
};

namespace {

// One loop per target, all on the purger's thread: a frozen edge delays only
// its own purges.
asio::awaitable<void> run_target(purger_state& p, target_state& t) {
  auto backoff = first_backoff;
  for (;;) {
    auto next = p.take(t);
    if (!next) {
      t.wake.expires_at(asio::steady_timer::time_point::max());
      co_await t.wake.async_wait(nothrow);
      continue;
    }
    std::string error;
    t.last_attempt = std::chrono::steady_clock::now();
    for (const auto& request : purge_requests(t.target.kind, p.options.token, next->tags)) {
      ++p.requests;
      error = co_await t.connection.send(request, p.options.request_timeout);
      if (!error.empty()) break;
    }
    if (error.empty()) {
      p.acknowledge(t, next->seq);
      backoff = first_backoff;
      continue;
    }
    // Purges are idempotent: the whole batch is owed again, even the chunks
    // that were acknowledged.
    p.fail(t, next->tags, error);
    t.pause.expires_after(backoff);
    co_await t.pause.async_wait(nothrow);
    backoff = std::min(backoff * 2, max_backoff);
  }
}

}  // namespace
}  // namespace detail

purger::purger(purger_options options)
    : state_(std::make_unique<detail::purger_state>(std::move(options))) {
  auto& p = *state_;
  if (p.options.targets.empty()) return;
  p.tls.set_verify_mode(asio::ssl::verify_peer);
  const auto& targets = p.options.targets;
  if (std::any_of(targets.begin(), targets.end(), [](const auto& t) { return t.tls; })) {
    p.tls.set_default_verify_paths();
  }
  for (const auto& target : targets) {
    p.targets.push_back(std::make_unique<detail::target_state>(p.io, p.tls, target));
  }
  for (auto& t : p.targets) {
    asio::co_spawn(p.io, detail::run_target(p, *t), [&p, &t = *t](std::exception_ptr e) {
      if (!e) return;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& what) {
        p.log(fmt::format("edge purge: {}: stopped by an error: {}", t.name, what.what()));
      }
      std::lock_guard lock(p.mutex);
      t.failing = true;
    });
  }
  p.thread = std::thread([&p] {
    for (;;) {
      try {
        p.io.run();
        return;
      } catch (const std::exception& e) {
        p.log(fmt::format("edge purge: {}", e.what()));
      }
    }
  });
}

purger::~purger() {
  auto& p = *state_;
  // Stops mid-request: a frozen edge cannot hold the shutdown.
  p.io.stop();
  if (p.thread.joinable()) p.thread.join();
  std::size_t owed = 0;
  for (const auto& t : p.targets) owed += t->owed.size() + t->in_flight;
  if (owed) p.log(fmt::format("edge purge: stopping with {} tags owed; they are given up", owed));
}

bool purger::purge(std::vector<std::string> tags, std::chrono::milliseconds wait) {
  for (const auto& tag : tags) {
    if (!detail::valid_tag(tag))
      throw std::invalid_argument(fmt::format("bad cache tag \"{}\"", tag));
  }
  auto& p = *state_;
  if (tags.empty() || p.targets.empty()) return true;
  std::sort(tags.begin(), tags.end());
  tags.erase(std::unique(tags.begin(), tags.end()), tags.end());

  std::unique_lock lock(p.mutex);
  const auto seq = ++p.last_purge;
  bool failing = false;
  std::vector<std::string> lines;
  for (auto& t : p.targets) {
    if (auto line = p.owe(*t, tags)) lines.push_back(std::move(*line));
    t->queued = seq;
    failing = failing || t->failing || t->late;
  }
  lock.unlock();
  if (!lines.empty()) p.changed.notify_all();  // waiters on a dropped backlog
  for (auto& t : p.targets) {
    asio::post(p.io, [&t = *t] {
      t.wake.cancel();
      // New tags for an edge in its backoff: try it now rather than at the
      // end of the backoff (at most every first_backoff), so an edge that is
      // back serves nothing stale for longer than one round trip.
      if (std::chrono::steady_clock::now() - t.last_attempt >= detail::first_backoff) {
        t.pause.cancel();
      }
    });
  }
  for (const auto& line : lines) p.log(line);
  if (failing) return false;

  // A failing or late target is not waited for; tags acknowledged before a
  // later failure still count.
  const auto acked = [&](const auto& t) { return t->acked >= seq; };
  const auto settled = [&](const auto& t) { return acked(t) || t->failing || t->late; };
  lock.lock();
  const bool all = p.changed.wait_until(lock, std::chrono::steady_clock::now() + wait, [&] {
    return std::all_of(p.targets.begin(), p.targets.end(), settled);
  });
  if (all) return std::all_of(p.targets.begin(), p.targets.end(), acked);
  if (wait <= std::chrono::milliseconds(0)) return false;  // the caller did not mean to wait
  // An edge that answers nothing within the wait (frozen, or slow) would hold
  // every mutation for as long: until it acknowledges, nobody waits for it.
  std::vector<std::string> late;
  for (auto& t : p.targets) {
    if (settled(t)) continue;
    t->late = true;
    late.push_back(t->name);
  }
  lock.unlock();
  p.changed.notify_all();
  for (const auto& name : late) {
    p.log(
        fmt::format("edge purge: {}: no acknowledgement within {} ms; not waited for until it "
                    "answers",
                    name, wait.count()));
  }
  return false;
}

purger::stats purger::statistics() const {
  const auto& p = *state_;
  stats out{p.requests.load(), p.failures.load(), 0};
  std::lock_guard lock(p.mutex);
  for (const auto& t : p.targets) out.pending_tags += t->owed.size() + t->in_flight;
  return out;
}

}  // namespace mizan::edge
